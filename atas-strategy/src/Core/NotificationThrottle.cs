using System;
using System.Collections.Generic;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Lets one notification per key through per interval, so a gateway that is down for an
    /// hour shows one message a minute, not one per poll. Thread-safe.
    /// </summary>
    public sealed class NotificationThrottle
    {
        private readonly object _lock = new object();
        private readonly TimeSpan _interval;
        private readonly Func<DateTime> _utcNow;
        private readonly Dictionary<string, Slot> _slots = new Dictionary<string, Slot>();

        private sealed class Slot
        {
            public DateTime LastShown;
            public int Suppressed;
        }

        /// <param name="interval">Minimum time between two messages of one key. Default 60 s.</param>
        /// <param name="utcNow">Clock; default DateTime.UtcNow.</param>
        public NotificationThrottle(TimeSpan? interval = null, Func<DateTime> utcNow = null)
        {
            _interval = interval ?? TimeSpan.FromSeconds(60);
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
        }

        /// <summary>
        /// The text to show now (with a count of the ones held back since), or null to stay quiet.
        /// </summary>
        public string Filter(string key, string message)
        {
            lock (_lock)
            {
                var now = _utcNow();
                Slot slot;
                if (_slots.TryGetValue(key, out slot) && now - slot.LastShown < _interval)
                {
                    slot.Suppressed++;
                    return null;
                }
                if (slot == null)
                {
                    if (_slots.Count > 1000) _slots.Clear();
                    _slots[key] = slot = new Slot();
                }
                var text = slot.Suppressed > 0 ? message + " (" + slot.Suppressed + " similar messages held back)" : message;
                slot.LastShown = now;
                slot.Suppressed = 0;
                return text;
            }
        }
    }
}
