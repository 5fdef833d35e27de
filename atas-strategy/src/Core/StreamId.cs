using System;
using System.Globalization;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// A Redis stream entry id, "milliseconds-sequence". The gateway's signal ids are these, and
    /// they only grow, which lets the dedupe store remember "everything up to X" in one value.
    /// </summary>
    public struct StreamId : IComparable<StreamId>
    {
        public StreamId(long ms, long seq)
        {
            Ms = ms;
            Seq = seq;
        }

        public long Ms { get; private set; }
        public long Seq { get; private set; }

        public static bool TryParse(string text, out StreamId id)
        {
            id = new StreamId();
            if (string.IsNullOrEmpty(text)) return false;
            var dash = text.IndexOf('-');
            if (dash <= 0 || dash == text.Length - 1) return false;
            long ms, seq;
            if (!long.TryParse(text.Substring(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out ms)) return false;
            if (!long.TryParse(text.Substring(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out seq)) return false;
            id = new StreamId(ms, seq);
            return true;
        }

        /// <summary>The id of the last entry that could exist at <paramref name="utc"/>.</summary>
        public static StreamId EndOf(DateTime utc)
        {
            var ms = (long)(utc - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
            return new StreamId(ms, long.MaxValue);
        }

        /// <summary>Orders stream ids numerically; text that is not one sorts first, by ordinal.</summary>
        public static int CompareText(string a, string b)
        {
            StreamId x, y;
            var okA = TryParse(a, out x);
            var okB = TryParse(b, out y);
            if (okA && okB) return x.CompareTo(y);
            if (okA != okB) return okA ? 1 : -1;
            return string.CompareOrdinal(a, b);
        }

        public int CompareTo(StreamId other)
        {
            var c = Ms.CompareTo(other.Ms);
            return c != 0 ? c : Seq.CompareTo(other.Seq);
        }

        public override string ToString()
        {
            return Ms.ToString(CultureInfo.InvariantCulture) + "-" + Seq.ToString(CultureInfo.InvariantCulture);
        }
    }
}
