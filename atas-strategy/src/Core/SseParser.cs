using System;
using System.Text;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// The event-stream format of the HTML spec, fed one line at a time (line ending removed).
    /// Pure: no I/O, so it is tested on its own.
    /// </summary>
    public sealed class SseParser
    {
        private readonly StringBuilder _data = new StringBuilder();
        private bool _hasData;
        private string _type;

        public SseParser(string lastEventId = null)
        {
            LastEventId = lastEventId;
        }

        /// <summary>The id a reconnect sends as Last-Event-ID.</summary>
        public string LastEventId { get; private set; }

        /// <summary>The last "retry:" value in milliseconds, or null.</summary>
        public int? RetryMs { get; private set; }

        /// <summary>Comment lines (": heartbeat ...") seen so far: proof the connection is alive.</summary>
        public int Comments { get; private set; }

        /// <summary>Consumes one line; returns the event a blank line completes, else null.</summary>
        public SseEvent Feed(string line)
        {
            if (line == null) return null;
            if (line.Length == 0) return Dispatch();
            if (line[0] == ':')
            {
                Comments++;
                return null;
            }
            string field, value;
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                field = line;
                value = "";
            }
            else
            {
                field = line.Substring(0, colon);
                value = line.Substring(colon + 1);
                if (value.StartsWith(" ")) value = value.Substring(1);
            }
            switch (field)
            {
                case "data":
                    if (_hasData) _data.Append('\n');
                    _data.Append(value);
                    _hasData = true;
                    break;
                case "event":
                    _type = value;
                    break;
                case "id":
                    if (value.IndexOf('\0') < 0) LastEventId = value;
                    break;
                case "retry":
                    int ms;
                    if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ms)) RetryMs = ms;
                    break;
            }
            return null;
        }

        private SseEvent Dispatch()
        {
            SseEvent ev = null;
            if (_hasData) ev = new SseEvent(string.IsNullOrEmpty(_type) ? "message" : _type, _data.ToString(), LastEventId);
            _data.Length = 0;
            _hasData = false;
            _type = null;
            return ev;
        }
    }
}
