using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    public partial class GatewaySignalStrategy
    {
        private const string NotificationTitle = "Gateway signals";

        /// <summary>At most one running instance per instrument: two would each open a position.</summary>
        private static readonly ConcurrentDictionary<string, GatewaySignalStrategy> RunningBySecurity =
            new ConcurrentDictionary<string, GatewaySignalStrategy>(StringComparer.OrdinalIgnoreCase);

        private readonly NotificationThrottle _throttle = new NotificationThrottle();

        // Written in OnStarted before the loops start, read by the loops: no lock needed.
        private StrategySettings _run;
        private CancellationTokenSource _cts;
        private GatewayClient _client;
        private SseClient _sse;
        private DedupeStore _store;
        private SignalPipeline _pipeline;
        private SymbolMap _symbols;
        private CloseRequestPoller _closePoller;
        private string _securityKey;
        private DateTime _startedAtUtc;

        // CanProcess(bar) of the last OnCalculate: orders go out only on the live bar.
        private volatile bool _live;
        private volatile bool _stopping;

        protected override void OnCalculate(int bar, decimal value)
        {
            _live = CanProcess(bar);
        }

        protected override void OnStarted()
        {
            base.OnStarted();
            _stopping = false;
            var settings = _settings.Clone();
            var errors = settings.Validate();
            if (errors.Count > 0)
            {
                StopWithNotification("Gateway Signal Executor not started. " + string.Join("; ", errors));
                return;
            }
            var security = Security;
            if (security == null)
            {
                StopWithNotification("Gateway Signal Executor not started: the chart has no instrument yet.");
                return;
            }
            var key = SecurityKey(security);
            if (!RunningBySecurity.TryAdd(key, this))
            {
                StopWithNotification("Gateway Signal Executor not started: another one already runs on " + key + " (one per instrument).");
                return;
            }
            _securityKey = key;
            try
            {
                _store = DedupeStore.Open(DedupePath(key));
            }
            catch (Exception ex)
            {
                ReleaseInstrument();
                StopWithNotification("Gateway Signal Executor not started: the dedupe file cannot be opened (" + ex.Message + ").");
                return;
            }
            if (_store.Recovered) NotifyTrader(NoticeLevel.Warning, "store", _store.RecoveryMessage);
            ReportInterruptedExecutions();

            ResetRunState();
            _run = settings;
            _symbols = SymbolMap.Parse(settings.SymbolMapping);
            _client = new GatewayClient(settings.ApiUrl, settings.ApiKey);
            _sse = new SseClient(settings.ApiUrl, settings.ApiKey);
            // Close requests from before this start belong to positions of earlier runs; five
            // minutes of margin absorb a clock difference with the gateway.
            _startedAtUtc = DateTime.UtcNow;
            _closePoller = new CloseRequestPoller(_client, CloseRequestPoller.StartingAt(_startedAtUtc.AddMinutes(-5)));
            _timeouts = _timeouts.Clone();
            _pipeline = new SignalPipeline(IsOurSymbol, settings.MaxSignalAgeSeconds, _store, new AtasExecutor(this),
                                           new AckSender(_client.AcknowledgeAsync), NotifyTrader)
            {
                TradeSimulated = settings.TradeSimulatedSignals,
                // A slow gateway must not hold the next signal behind an acknowledgement's retries.
                AckInBackground = true,
            };
            _cts = new CancellationTokenSource();
            var ct = _cts.Token;
            Task.Run(() => SignalLoopAsync(ct));
            Task.Run(() => HousekeepingLoopAsync(ct));
            NotifyTrader(NoticeLevel.Info, "start", string.Format(
                "Started on {0}: {1}, risk {2} %, max age {3} s, {4} from {5}.", key,
                settings.AutoTrade ? "AUTO TRADE" : "alerts only", settings.RiskPercent, settings.MaxSignalAgeSeconds,
                settings.PushMode ? "push with polling fallback" : "polling every " + settings.PollIntervalMs + " ms", _client.BaseUri)
                + (settings.TradeSimulatedSignals ? " TRADE SIMULATED SIGNALS is on: replay, backtest and demo signals are executed too." : ""));
            if (settings.AutoTrade) ReportProtection();
        }

        protected override void OnSuspended()
        {
            // A suspended strategy sends nothing until the next live OnCalculate.
            _live = false;
            base.OnSuspended();
        }

        protected override void OnStopped()
        {
            try
            {
                DisposeClients();
            }
            finally
            {
                base.OnStopped();
            }
        }

        private void DisposeClients()
        {
            var client = _client;
            var sse = _sse;
            _client = null;
            _sse = null;
            if (sse != null) sse.Dispose();
            if (client != null) client.Dispose();
            ReleaseInstrument();
        }

        private void ReleaseInstrument()
        {
            var key = _securityKey;
            _securityKey = null;
            if (key == null) return;
            GatewaySignalStrategy owner;
            if (RunningBySecurity.TryGetValue(key, out owner) && ReferenceEquals(owner, this)) RunningBySecurity.TryRemove(key, out owner);
        }

        /// <summary>Signals claimed but never finished: the last run stopped (or crashed) mid-order.</summary>
        private void ReportInterruptedExecutions()
        {
            foreach (var entry in _store.WithState(SignalStates.Claimed))
            {
                NotifyTrader(NoticeLevel.Warning, "interrupted:" + entry.Key,
                    "Signal " + entry.Key + " (" + entry.Symbol + ") was being executed when the strategy last stopped. It is not retried: check the account for a position or orders.");
                try
                {
                    _store.SetState(entry.Key, SignalStates.Failed);
                }
                catch (IOException)
                {
                }
            }
        }

        private bool IsOurSymbol(string signalSymbol)
        {
            var security = Security;
            if (security == null) return false;
            return _symbols.Matches(signalSymbol, new[] { security.SecurityId, security.Code });
        }

        private string PushFilter()
        {
            var security = Security;
            return security == null ? null : _symbols.SingleSignalSymbolFor(new[] { security.SecurityId, security.Code });
        }

        private static string SecurityKey(Security security)
        {
            return !string.IsNullOrEmpty(security.SecurityId) ? security.SecurityId : security.Code ?? "unknown";
        }

        private static string DedupePath(string securityKey)
        {
            var invalid = Path.GetInvalidFileNameChars();
            var name = new string(securityKey.Select(c => invalid.Contains(c) ? '_' : c).ToArray());
            var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "AtasSignalStrategy");
            return Path.Combine(dir, "handled-" + name + ".json");
        }

        /// <summary>Shows a notification, at most one per key a minute; never throws.</summary>
        private void NotifyTrader(NoticeLevel level, string key, string message)
        {
            var text = _throttle.Filter(key, message);
            if (text == null) return;
            try
            {
                // Named in full: inside a strategy, LoggingLevel alone is the inherited property.
                RaiseShowNotification(text, NotificationTitle, level == NoticeLevel.Warning ? Utils.Common.Logging.LoggingLevel.Warning : Utils.Common.Logging.LoggingLevel.Info);
            }
            catch (Exception)
            {
                // A notification must never take the strategy down.
            }
        }

        private void AlertTrader(string message)
        {
            try
            {
                AddAlert("alert1", message);
            }
            catch (Exception)
            {
            }
        }
    }
}
