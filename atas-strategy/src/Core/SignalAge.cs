using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>Is a signal still fresh enough to trade?</summary>
    public static class SignalAge
    {
        /// <summary>
        /// A timestamp this far ahead of the local clock is still accepted (clocks drift a
        /// little); beyond it the clocks disagree and the age cannot be trusted.
        /// </summary>
        public static readonly TimeSpan FutureTolerance = TimeSpan.FromSeconds(5);

        /// <summary>Null when the signal may be traded, else why not.</summary>
        /// <param name="maxAgeSeconds">MaxSignalAgeSeconds; must be positive.</param>
        public static string Check(string timestamp, DateTime nowUtc, int maxAgeSeconds)
        {
            DateTime at;
            if (!SignalTime.TryParseUtc(timestamp, out at))
                return "timestamp '" + timestamp + "' is not a valid time";
            var age = nowUtc - at;
            if (age < -FutureTolerance)
                return "timestamp " + timestamp + " is " + Math.Round(-age.TotalSeconds, 1) +
                       " s in the future: this PC's clock or the gateway's is wrong";
            if (age.TotalSeconds > maxAgeSeconds)
                return "signal is " + Math.Round(age.TotalSeconds, 1) + " s old, older than the maximum age of " + maxAgeSeconds + " s";
            return null;
        }
    }
}
