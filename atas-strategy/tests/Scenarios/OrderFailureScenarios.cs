using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;

namespace AtasSignalStrategy.Tests
{
    /// <summary>What the platform does to orders: rejections, partial and out-of-order fills, orders never sent.</summary>
    public static class OrderFailureScenarios
    {
        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, Control control)
        {
            await t.CheckAsync("strategy on simulated ATAS: a rejected entry places no stop, is not acknowledged, is shown, and the next signal trades", async () =>
            {
                using (var rig = new StrategyRig("SCREJECTUSDT", gateway, apiKey, control))
                {
                    var entries = 0;
                    rig.Platform.Reject = o => o.Type == OrderTypes.Market && Interlocked.Increment(ref entries) == 1 ? "insufficient margin" : null;
                    rig.Platform.Start();
                    var first = await rig.PublishAsync(100m, 98m, 104m, timeframe: "1m");
                    await rig.WaitFor(() => rig.Noticed("insufficient margin"), "the rejection shown");
                    await rig.WaitFor(() => rig.Noticed(first.Id + " ") && rig.Noticed("failed"), "the signal reported as failed");
                    TestHarness.Equal(0, rig.SentFor(first, "sl").Count, "stops for a rejected entry");
                    var second = await rig.PublishAsync(100m, 98m, 104m, timeframe: "5m");
                    await rig.WaitFor(() => rig.SentFor(second, "tp").Count == 1 && rig.Proxy.Acks.Any(a => a.Item1 == second.Id), "the next signal traded");
                    TestHarness.True(!rig.Proxy.Acks.Any(a => a.Item1 == first.Id), "the rejected signal was acknowledged");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a rejected stop closes the position exactly once and tells the trader", async () =>
            {
                using (var rig = new StrategyRig("SCSTOPREJUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Reject = o => o.Type == OrderTypes.Stop ? "stop price too close" : null;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.Closes().Count == 1 && rig.Platform.AccountPosition == 0, "the position closed");
                    await rig.PollsAsync(4);
                    TestHarness.Equal(1, rig.Closes().Count, "close orders");
                    TestHarness.Equal(0m, rig.Platform.AccountPosition, "account position");
                    TestHarness.Equal(0, rig.SentFor(signal, "tp").Count, "take-profits without a stop");
                    TestHarness.True(rig.Noticed("stop order was rejected") && rig.Noticed("stop price too close"), "the trader is told why");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: an entry filled in three parts gets one bracket for the whole position", async () =>
            {
                using (var rig = new StrategyRig("SCPARTIALUSDT", gateway, apiKey, control))
                {
                    rig.Platform.PartialFills = 3;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1, "the bracket");
                    var entry = rig.SentFor(signal, "entry").Single();
                    TestHarness.Equal(50m, rig.Platform.AccountPosition, "position after three fills");
                    TestHarness.Equal(OrderStates.Done, entry.State, "entry done");
                    TestHarness.Equal(50m, rig.SentFor(signal, "sl").Single().QuantityToFill, "stop quantity");
                    TestHarness.Equal(50m, rig.SentFor(signal, "tp").Single().QuantityToFill, "target quantity");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a fill reported before its OnOrderChanged still gets its bracket", async () =>
            {
                using (var rig = new StrategyRig("SCFILLFIRSTUSDT", gateway, apiKey, control))
                {
                    rig.Platform.FillBeforeOrderChanged = true;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1, "the bracket");
                    TestHarness.Equal(rig.Platform.AccountPosition, rig.SentFor(signal, "sl").Single().QuantityToFill, "the stop covers the position");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: an entry ATAS never sends (stays None) times out and stops blocking new signals", async () =>
            {
                using (var rig = new StrategyRig("SCNONEUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    rig.Platform.SendsOrders = false;
                    var first = await rig.PublishAsync(100m, 98m, 104m, timeframe: "1m");
                    await rig.WaitFor(() => rig.SentFor(first, "entry").Count == 1, "the first entry handed to ATAS");
                    TestHarness.Equal(OrderStates.None, rig.SentFor(first, "entry").Single().State, "never sent");
                    await rig.WaitFor(() => rig.Noticed("did not send the entry order"), "the timeout shown");
                    rig.Platform.SendsOrders = true;
                    var second = await rig.PublishAsync(100m, 98m, 104m, timeframe: "5m");
                    await rig.WaitFor(() => rig.SentFor(second, "tp").Count == 1, "the next signal traded");
                    rig.AssertCleanCallbacks();
                }
            });
        }
    }
}
