namespace AtasSignalStrategy.Core
{
    /// <summary>What happened to a signal, as recorded in the dedupe store.</summary>
    public static class SignalStates
    {
        /// <summary>Recorded before the first order is sent: a crash after this never re-executes it.</summary>
        public const string Claimed = "claimed";
        /// <summary>Entry filled (bracket placed or position closed); acknowledgement still owed.</summary>
        public const string Executed = "executed";
        /// <summary>Executed and acknowledged to the gateway.</summary>
        public const string Acked = "acked";
        /// <summary>Executed; the gateway refused the acknowledgement for good (e.g. unknown id).</summary>
        public const string AckFailed = "ack_failed";
        /// <summary>Shown as an alert only (auto trading off).</summary>
        public const string Alerted = "alerted";
        /// <summary>Not traded on purpose (a position was already open, size rounded to zero).</summary>
        public const string Skipped = "skipped";
        /// <summary>An order failed or was rejected; nothing is retried.</summary>
        public const string Failed = "failed";
        /// <summary>Never tradeable: malformed, stop on the wrong side, or too old.</summary>
        public const string Rejected = "rejected";
    }
}
