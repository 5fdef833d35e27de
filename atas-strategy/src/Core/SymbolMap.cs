using System;
using System.Collections.Generic;
using System.Linq;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Which signal symbols belong to the chart's instrument. The setting lists
    /// "SIGNAL=CHART" pairs separated by commas, semicolons or new lines, e.g.
    /// "BTCUSDT=BTCUSDT@BinanceFutures; ETHUSDT=ETH-PERP". CHART is compared, ignoring case,
    /// with the chart security's SecurityId and Code. A signal symbol that is not listed
    /// matches an instrument whose Code (or SecurityId before '@') is the same symbol.
    /// </summary>
    public sealed class SymbolMap
    {
        private readonly Dictionary<string, List<string>> _targets;

        private SymbolMap(Dictionary<string, List<string>> targets)
        {
            _targets = targets;
        }

        public static readonly SymbolMap Empty = new SymbolMap(new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase));

        /// <exception cref="FormatException">An entry is not SIGNAL=CHART; the message names it.</exception>
        public static SymbolMap Parse(string setting)
        {
            var targets = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
            if (string.IsNullOrWhiteSpace(setting)) return new SymbolMap(targets);
            foreach (var raw in setting.Split(new[] { ',', ';', '\n', '\r' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var entry = raw.Trim();
                if (entry.Length == 0) continue;
                var eq = entry.IndexOf('=');
                var signal = eq > 0 ? entry.Substring(0, eq).Trim() : "";
                var chart = eq > 0 ? entry.Substring(eq + 1).Trim() : "";
                if (signal.Length == 0 || chart.Length == 0 || chart.IndexOf('=') >= 0)
                    throw new FormatException("symbol mapping entry '" + entry + "' must look like SIGNAL=CHART, e.g. BTCUSDT=BTCUSDT@BinanceFutures");
                List<string> list;
                if (!targets.TryGetValue(signal, out list)) targets[signal] = list = new List<string>();
                list.Add(chart);
            }
            return new SymbolMap(targets);
        }

        public int Count { get { return _targets.Count; } }

        /// <summary>Does a signal for <paramref name="signalSymbol"/> belong on this chart?</summary>
        /// <param name="chartIds">The chart security's identifiers (SecurityId, Code); empty ones are ignored.</param>
        public bool Matches(string signalSymbol, IEnumerable<string> chartIds)
        {
            if (string.IsNullOrEmpty(signalSymbol)) return false;
            var ids = Clean(chartIds);
            List<string> mapped;
            if (_targets.TryGetValue(signalSymbol, out mapped))
                return mapped.Any(t => ids.Contains(t, StringComparer.OrdinalIgnoreCase));
            return ids.Any(id => string.Equals(Bare(id), signalSymbol, StringComparison.OrdinalIgnoreCase));
        }

        /// <summary>
        /// The signal symbol of this chart when exactly one maps to it (used as the push
        /// stream's server-side filter), else null.
        /// </summary>
        public string SingleSignalSymbolFor(IEnumerable<string> chartIds)
        {
            var ids = Clean(chartIds);
            var mapped = _targets.Where(kv => kv.Value.Any(t => ids.Contains(t, StringComparer.OrdinalIgnoreCase)))
                                 .Select(kv => kv.Key.ToUpperInvariant()).ToList();
            if (mapped.Count > 0) return mapped.Count == 1 ? mapped[0] : null;
            var bare = ids.Select(id => Bare(id).ToUpperInvariant()).Distinct().Where(b => !_targets.ContainsKey(b)).ToList();
            return bare.Count == 1 ? bare[0] : null;
        }

        private static List<string> Clean(IEnumerable<string> ids)
        {
            return (ids ?? Enumerable.Empty<string>()).Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i.Trim()).ToList();
        }

        private static string Bare(string id)
        {
            var at = id.IndexOf('@');
            return at > 0 ? id.Substring(0, at) : id;
        }
    }
}
