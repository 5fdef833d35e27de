using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>Exponential backoff: BaseDelay, 2×, 4×, ... capped at MaxDelay.</summary>
    public sealed class RetryPolicy
    {
        /// <param name="maxAttempts">Tries in all, the first included. Default 5.</param>
        /// <param name="baseDelay">Wait after the first failure. Default 500 ms.</param>
        /// <param name="maxDelay">Longest wait between tries. Default 8 s.</param>
        public RetryPolicy(int maxAttempts = 5, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
        {
            if (maxAttempts < 1) throw new ArgumentOutOfRangeException("maxAttempts", "at least one attempt");
            MaxAttempts = maxAttempts;
            BaseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
            MaxDelay = maxDelay ?? TimeSpan.FromSeconds(8);
        }

        public int MaxAttempts { get; private set; }
        public TimeSpan BaseDelay { get; private set; }
        public TimeSpan MaxDelay { get; private set; }

        /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based).</summary>
        public TimeSpan DelayAfter(int attempt)
        {
            var factor = Math.Pow(2, Math.Min(Math.Max(attempt - 1, 0), 30));
            var ms = Math.Min(BaseDelay.TotalMilliseconds * factor, MaxDelay.TotalMilliseconds);
            return TimeSpan.FromMilliseconds(ms);
        }
    }
}
