namespace AtasSignalStrategy.Core
{
    public enum PipelineOutcome
    {
        /// <summary>For another instrument: left alone (another chart may trade it).</summary>
        OtherSymbol,
        /// <summary>Seen before (now or in an earlier run).</summary>
        Duplicate,
        /// <summary>Malformed or with a stop/target on the wrong side.</summary>
        Invalid,
        /// <summary>Older than MaxSignalAgeSeconds (or dated in the future).</summary>
        Stale,
        /// <summary>A replay, backtest or demo signal (or one without a source) while "Trade simulated signals" is off.</summary>
        NotLive,
        /// <summary>The executor cannot send orders yet; the signal is looked at again later.</summary>
        NotReady,
        /// <summary>The dedupe file could not be written, so nothing was traded.</summary>
        StoreError,
        Executed,
        Alerted,
        Skipped,
        Failed,
    }

    public sealed class PipelineResult
    {
        public PipelineResult(PipelineOutcome outcome, string message, AckResult ack = null)
        {
            Outcome = outcome;
            Message = message;
            Ack = ack;
        }

        public PipelineOutcome Outcome { get; private set; }
        public string Message { get; private set; }

        /// <summary>The signal this result is about.</summary>
        public SignalDto Signal { get; internal set; }

        /// <summary>
        /// The acknowledgement attempt, for <see cref="PipelineOutcome.Executed"/>; null when the
        /// pipeline acknowledges in the background (<see cref="SignalPipeline.AckInBackground"/>).
        /// </summary>
        public AckResult Ack { get; internal set; }

        public override string ToString()
        {
            return Outcome + (Message != null ? ": " + Message : "");
        }
    }
}
