namespace AtasSignalStrategy.Core
{
    /// <summary>One server-sent event as dispatched by <see cref="SseParser"/>.</summary>
    public sealed class SseEvent
    {
        public SseEvent(string type, string data, string lastEventId)
        {
            Type = type;
            Data = data;
            LastEventId = lastEventId;
        }

        /// <summary>The "event:" field; "message" when absent.</summary>
        public string Type { get; private set; }

        /// <summary>The "data:" lines joined by "\n".</summary>
        public string Data { get; private set; }

        /// <summary>The last "id:" seen on the stream (SSE keeps it across events without one).</summary>
        public string LastEventId { get; private set; }
    }
}
