using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy.Tests
{
    /// <summary>The core's money-safety rules: provenance, live-price drift, waiters safe in callbacks, acks outside the lock.</summary>
    public static class SafetyChecks
    {
        public static async Task RunAsync(TestHarness t, string workDir)
        {
            Provenance(t);
            Drift(t);
            await Waiters(t).ConfigureAwait(false);
            await Pipeline(t, workDir).ConfigureAwait(false);
        }

        private static SignalDto WithSource(string source)
        {
            var s = OfflineChecks.Signal("1-0");
            s.Metadata.Source = source;
            return s;
        }

        private static void Provenance(TestHarness t)
        {
            t.Check("provenance: only a live signal is tradable by default; replay, backtest, demo and none are refused by name", () =>
            {
                TestHarness.Equal<string>(null, SignalSource.Refusal(WithSource("live"), false), "live");
                foreach (var source in new[] { "replay", "backtest", "demo" })
                {
                    var why = SignalSource.Refusal(WithSource(source), false);
                    TestHarness.True(why != null && why.Contains("'" + source + "'") && why.Contains("Trade simulated signals"), source + ": " + why);
                }
                var none = OfflineChecks.Signal("1-0");
                none.Metadata = null;
                TestHarness.True(SignalSource.Refusal(none, false) != null, "no metadata at all is not live");
                TestHarness.True(SignalSource.Refusal(WithSource(null), false).Contains("no metadata.source"), "missing source named");
                TestHarness.Equal<string>(null, SignalSource.Refusal(WithSource("replay"), true), "replay with the switch on");
            });
            t.Check("provenance: metadata.source is read from the gateway's JSON", () =>
            {
                var s = Newtonsoft.Json.JsonConvert.DeserializeObject<SignalDto>(
                    "{\"id\":\"1-0\",\"metadata\":{\"source\":\"demo\",\"consensus_confidence\":70}}", Json.Settings);
                TestHarness.Equal("demo", SignalSource.Of(s), "source");
            });
        }

        private static void Drift(TestHarness t)
        {
            t.Check("live price: a signal whose market moved past the drift limit (in stop distances) is refused", () =>
            {
                // BUY 100, stop 98: one stop distance is 2.
                TestHarness.Equal<string>(null, LivePriceCheck.Check(true, 100m, 98m, 100.9m, 0.5m), "0.45 distances");
                var far = LivePriceCheck.Check(true, 100m, 98m, 101.2m, 0.5m);
                TestHarness.True(far != null && far.Contains("0.6 stop distances"), "0.6 distances: " + far);
                var past = LivePriceCheck.Check(true, 100m, 98m, 97.5m, 5m);
                TestHarness.True(past != null && past.Contains("past the stop"), "below the stop: " + past);
                var sellPast = LivePriceCheck.Check(false, 100m, 102m, 102.5m, 5m);
                TestHarness.True(sellPast != null && sellPast.Contains("past the stop"), "SELL above its stop: " + sellPast);
                TestHarness.True(LivePriceCheck.Check(true, 100m, 98m, 0m, 1m).Contains("no live price"), "no price");
            });
        }

        private static async Task Waiters(TestHarness t)
        {
            await t.CheckAsync("waiters: a continuation never runs inside Publish, and one that removes or adds waiters cannot break it", async () =>
            {
                var waiters = new CompletionWaiters<string>();
                var publisherThread = -1;
                var continuationThread = -1;
                var first = Task.Run(async () =>
                {
                    await waiters.WaitAsync(v => v == "done", TimeSpan.FromSeconds(5), CancellationToken.None);
                    continuationThread = Thread.CurrentThread.ManagedThreadId;
                    // What the old code did inside the platform's callback: send the next order and wait again.
                    await waiters.WaitAsync(v => v == "next", TimeSpan.FromMilliseconds(50), CancellationToken.None);
                });
                var others = Enumerable.Range(0, 5).Select(i => waiters.WaitAsync(v => v == "done", TimeSpan.FromSeconds(5), CancellationToken.None)).ToList();
                await TestHarness.WaitFor(() => waiters.Count == 6, TimeSpan.FromSeconds(5), "six waiters");
                var publish = new Thread(() =>
                {
                    publisherThread = Thread.CurrentThread.ManagedThreadId;
                    waiters.Publish("done");
                });
                publish.Start();
                publish.Join();
                await first;
                foreach (var other in others) TestHarness.Equal("done", await other, "every matching waiter completed");
                TestHarness.True(continuationThread != publisherThread, "the continuation ran on the publisher's (ATAS's) thread");
            });
        }

        private static async Task Pipeline(TestHarness t, string workDir)
        {
            await t.CheckAsync("pipeline: a replay signal is not executed (one notice); with Trade simulated signals it is", async () =>
            {
                var rig = new OfflineChecks.PipelineRig(Path.Combine(workDir, "pipe-source.json"));
                var replay = WithSource("replay");
                var r = await rig.Pipeline.ProcessAsync(replay, CancellationToken.None);
                var again = await rig.Pipeline.ProcessAsync(replay, CancellationToken.None);
                TestHarness.Equal(PipelineOutcome.NotLive, r.Outcome, "outcome");
                TestHarness.Equal(PipelineOutcome.Duplicate, again.Outcome, "remembered");
                TestHarness.True(rig.Executor.Executed.IsEmpty, "not executed");
                TestHarness.Equal(1, rig.Notices.Count(n => n.Contains("'replay'")), "one notice naming the source");
                var opted = new OfflineChecks.PipelineRig(Path.Combine(workDir, "pipe-source-on.json"));
                opted.Pipeline.TradeSimulated = true;
                TestHarness.Equal(PipelineOutcome.Executed, (await opted.Pipeline.ProcessAsync(WithSource("demo"), CancellationToken.None)).Outcome, "opted in");
            });
            await t.CheckAsync("pipeline: a slow acknowledgement does not hold up the next signal", async () =>
            {
                var rig = new OfflineChecks.PipelineRig(Path.Combine(workDir, "pipe-slow-ack.json"));
                var gateway = new TaskCompletionSource<int>();
                rig.AckBlocker = gateway.Task;
                var first = rig.Pipeline.ProcessAsync(OfflineChecks.Signal("1-0"), CancellationToken.None);
                await TestHarness.WaitFor(() => rig.Executor.Executed.Count == 1, TimeSpan.FromSeconds(5), "the first execution");
                var second = rig.Pipeline.ProcessAsync(OfflineChecks.Signal("2-0"), CancellationToken.None);
                var executed = Task.Run(() => TestHarness.WaitFor(() => rig.Executor.Executed.Count == 2, TimeSpan.FromSeconds(5), "the second execution"));
                await Task.WhenAny(executed);
                gateway.SetResult(0);
                TestHarness.True(!executed.IsFaulted, "the second signal waited for the first one's acknowledgement");
                TestHarness.Equal(PipelineOutcome.Executed, (await second).Outcome, "second executed");
                TestHarness.True((await first).Ack.Ok, "first acknowledged once the gateway answered");
            });
        }
    }
}
