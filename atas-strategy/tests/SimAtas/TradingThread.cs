using System;
using System.Collections.Generic;
using System.Threading;

namespace AtasSim
{
    /// <summary>
    /// The "trading connection" thread: every order answer and market event runs here, in due-time
    /// order, after a delay, never on the caller's thread. Test-only.
    /// </summary>
    public sealed class TradingThread : IDisposable
    {
        private readonly object _lock = new object();
        private readonly List<KeyValuePair<DateTime, Action>> _queue = new List<KeyValuePair<DateTime, Action>>();
        private readonly Thread _thread;
        private long _seq;
        private bool _closed;

        public TradingThread()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "sim trading connection" };
            _thread.Start();
        }

        public bool IsCurrent { get { return Thread.CurrentThread == _thread; } }

        public void After(TimeSpan delay, Action action)
        {
            lock (_lock)
            {
                // Equal due times keep their order: a tiny sequence offset.
                var due = DateTime.UtcNow + delay + TimeSpan.FromTicks(Interlocked.Increment(ref _seq) % 1000);
                var i = _queue.FindIndex(p => p.Key > due);
                _queue.Insert(i < 0 ? _queue.Count : i, new KeyValuePair<DateTime, Action>(due, action));
                Monitor.PulseAll(_lock);
            }
        }

        private void Run()
        {
            while (true)
            {
                Action next = null;
                lock (_lock)
                {
                    while (next == null)
                    {
                        if (_closed) return;
                        if (_queue.Count == 0) { Monitor.Wait(_lock); continue; }
                        var wait = _queue[0].Key - DateTime.UtcNow;
                        if (wait > TimeSpan.Zero) { Monitor.Wait(_lock, wait); continue; }
                        next = _queue[0].Value;
                        _queue.RemoveAt(0);
                    }
                }
                next();
            }
        }

        public void Dispose()
        {
            lock (_lock)
            {
                _closed = true;
                Monitor.PulseAll(_lock);
            }
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }
}
