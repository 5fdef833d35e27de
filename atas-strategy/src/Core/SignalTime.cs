using System;
using System.Globalization;

namespace AtasSignalStrategy.Core
{
    /// <summary>Signal timestamps: UTC ISO-8601 without offset, e.g. "2024-11-21T10:30:45.123456".</summary>
    public static class SignalTime
    {
        /// <summary>Parses a signal timestamp as UTC (an explicit offset or "Z" is honoured).</summary>
        public static bool TryParseUtc(string timestamp, out DateTime utc)
        {
            utc = default(DateTime);
            if (string.IsNullOrWhiteSpace(timestamp)) return false;
            DateTimeOffset parsed;
            if (!DateTimeOffset.TryParse(timestamp.Trim(), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed)) return false;
            utc = parsed.UtcDateTime;
            return true;
        }
    }
}
