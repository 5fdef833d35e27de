using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Tests
{
    /// <summary>Runs named checks, prints "ok"/"FAIL" per check and counts them.</summary>
    public sealed class TestHarness
    {
        public int Passed { get; private set; }
        public int Failed { get; private set; }
        public readonly List<string> Failures = new List<string>();

        public void Check(string name, Action body)
        {
            CheckAsync(name, () => { body(); return Task.FromResult(0); }).GetAwaiter().GetResult();
        }

        /// <summary>CSHARP_ONLY=text runs only the checks whose name contains it (while developing).</summary>
        private static readonly string Only = Environment.GetEnvironmentVariable("CSHARP_ONLY");

        public async Task CheckAsync(string name, Func<Task> body)
        {
            if (!string.IsNullOrEmpty(Only) && !name.Contains(Only)) return;
            var watch = Stopwatch.StartNew();
            try
            {
                await body().ConfigureAwait(false);
                Passed++;
                Console.WriteLine("ok   - " + name + " (" + watch.ElapsedMilliseconds + " ms)");
            }
            catch (Exception ex)
            {
                Failed++;
                var message = ex is AssertionException ? ex.Message : ex.GetType().Name + ": " + ex.Message + "\n" + ex.StackTrace;
                Failures.Add(name + ": " + message);
                Console.WriteLine("FAIL - " + name + ": " + message);
            }
        }

        public static void Equal<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
                throw new AssertionException(what + ": expected <" + expected + "> but got <" + actual + ">");
        }

        public static void True(bool condition, string what)
        {
            if (!condition) throw new AssertionException(what);
        }

        /// <summary>Polls <paramref name="condition"/> until true; the condition, not a fixed sleep, ends the wait.</summary>
        public static async Task WaitFor(Func<bool> condition, TimeSpan timeout, string what)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline) throw new AssertionException("timed out after " + timeout.TotalSeconds + " s waiting for " + what);
                await Task.Delay(20).ConfigureAwait(false);
            }
        }

        public static T Throws<T>(Action body, string what) where T : Exception
        {
            try
            {
                body();
            }
            catch (T ex)
            {
                return ex;
            }
            catch (Exception ex)
            {
                throw new AssertionException(what + ": expected " + typeof(T).Name + " but got " + ex.GetType().Name + ": " + ex.Message);
            }
            throw new AssertionException(what + ": expected " + typeof(T).Name + " but nothing was thrown");
        }
    }

    public sealed class AssertionException : Exception
    {
        public AssertionException(string message) : base(message) { }
    }

    /// <summary>A fixed clock the checks move by hand.</summary>
    public sealed class ManualClock
    {
        private long _ticks;

        public ManualClock(DateTime start)
        {
            _ticks = start.Ticks;
        }

        public DateTime Now() { return new DateTime(Interlocked.Read(ref _ticks), DateTimeKind.Utc); }
        public void Set(DateTime utc) { Interlocked.Exchange(ref _ticks, utc.Ticks); }
        public void Advance(TimeSpan by) { Interlocked.Add(ref _ticks, by.Ticks); }
    }
}
