namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Signal provenance (<c>metadata.source</c>). A replayed, backtested or demo signal carries
    /// current timestamps and the same strategy name as a live one, so the source is the only
    /// thing that tells them apart: only "live" is traded unless the trader opts in, and a signal
    /// without a source (an older producer) is treated as not live.
    /// </summary>
    public static class SignalSource
    {
        public const string Live = "live";
        public const string Replay = "replay";
        public const string Backtest = "backtest";
        public const string Demo = "demo";

        /// <summary>The declared source, or null when the signal has none.</summary>
        public static string Of(SignalDto signal)
        {
            var source = signal == null || signal.Metadata == null ? null : signal.Metadata.Source;
            return string.IsNullOrEmpty(source) ? null : source;
        }

        public static bool IsLive(SignalDto signal)
        {
            return Of(signal) == Live;
        }

        /// <summary>Null when the signal may be executed; else why not, naming its source.</summary>
        public static string Refusal(SignalDto signal, bool tradeSimulated)
        {
            if (IsLive(signal) || tradeSimulated) return null;
            var source = Of(signal);
            return (source == null ? "it declares no metadata.source, so it may not be live"
                                   : "it is a '" + source + "' signal, not a live one")
                   + " (turn on \"Trade simulated signals\" to execute such signals)";
        }
    }
}
