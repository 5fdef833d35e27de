using System;
using System.Linq;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy.Tests
{
    /// <summary>Closing a position: the stop stays until flat, a refused close keeps it, one close at a time, bounded OnStopping.</summary>
    public static class FlattenScenarios
    {
        private static async Task<SignalDto> OpenAsync(StrategyRig rig, string timeframe = "1m")
        {
            var signal = await rig.PublishAsync(100m, 98m, 104m, timeframe: timeframe);
            await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1 && rig.SentFor(signal, "sl").Single().State == OrderStates.Active, "the position and its bracket");
            return signal;
        }

        /// <summary>No cancel of the stop was asked for while the account still held the position.</summary>
        private static void StopKeptUntilFlat(StrategyRig rig, SignalDto signal)
        {
            var stop = rig.SentFor(signal, "sl").Single();
            var early = rig.Platform.Cancels.Where(c => c.Order == stop && c.PositionAtRequest != 0).ToList();
            TestHarness.True(early.Count == 0, "the stop was cancelled while the position was " + (early.Count > 0 ? early[0].PositionAtRequest : 0));
        }

        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, Control control)
        {
            await t.CheckAsync("strategy on simulated ATAS: an opposite signal does not reverse; its close request closes the position, the stop stays until it is flat", async () =>
            {
                using (var rig = new StrategyRig("SCCLOSEUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    var signal = await OpenAsync(rig);
                    var opposite = await rig.PublishAsync(100m, 102m, 96m, direction: "SELL", timeframe: "5m");
                    await rig.WaitFor(() => rig.Noticed(opposite.Id) && rig.Noticed("already open"), "the opposite signal skipped");
                    TestHarness.Equal(0, rig.SentFor(opposite, "entry").Count, "entries for the opposite signal");
                    // The position-closer answers an opposite signal with a close request for the open one.
                    await rig.PublishCloseAsync(signal, "opposite_signal");
                    await rig.WaitFor(() => rig.Platform.AccountPosition == 0 && rig.Platform.Working().Count == 0, "flat, nothing working");
                    TestHarness.Equal(1, rig.Closes().Count, "close orders");
                    StopKeptUntilFlat(rig, signal);
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a refused or rejected close keeps the stop working and tells the trader", async () =>
            {
                using (var rig = new StrategyRig("SCREFUSEUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    var signal = await OpenAsync(rig);
                    rig.Platform.RefuseSend = o => o.Comment == "gws close" ? "the broker refused: market closed" : null;
                    await rig.PublishCloseAsync(signal, "max_hold");
                    await rig.WaitFor(() => rig.Noticed("REFUSED"), "the refusal shown");
                    TestHarness.True(rig.Noticed("market closed") && rig.Noticed("stop stays in place"), "the notice says why and that the stop protects");
                    TestHarness.Equal(50m, rig.Platform.AccountPosition, "position still held");
                    TestHarness.Equal(OrderStates.Active, rig.SentFor(signal, "sl").Single().State, "the stop is still working");
                    TestHarness.Equal(0, rig.Platform.Cancels.Count, "cancels");

                    // Accepted by the platform, then rejected by the exchange: the same protection.
                    rig.Platform.RefuseSend = null;
                    rig.Platform.Reject = o => o.Comment == "gws close" ? "reduce-only rejected by the venue" : null;
                    await rig.PublishCloseAsync(signal, "manual");
                    await rig.WaitFor(() => rig.Noticed("close order for the position of 50.00 was rejected"), "the rejection shown");
                    TestHarness.Equal(50m, rig.Platform.AccountPosition, "position still held after the rejection");
                    TestHarness.Equal(OrderStates.Active, rig.SentFor(signal, "sl").Single().State, "the stop is still working after the rejection");
                    TestHarness.Equal(0, rig.Platform.Cancels.Count, "cancels after the rejection");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: while a close is working, a second close request and OnStopping send no second close", async () =>
            {
                using (var rig = new StrategyRig("SCONECLOSEUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    var signal = await OpenAsync(rig);
                    var hold = true;
                    rig.Platform.HoldFill = o => hold && o.Comment == "gws close";
                    await rig.PublishCloseAsync(signal, "max_hold");
                    await rig.WaitFor(() => rig.Closes().Count == 1, "the close sent");
                    await rig.PublishCloseAsync(signal, "manual");
                    await rig.WaitFor(() => rig.Noticed("was sent but the position is"), "the unconfirmed close shown");
                    await rig.ClosePollsAsync(2);
                    var stopping = rig.Platform.Stop();
                    TestHarness.Equal(1, rig.Closes().Count, "close orders");
                    TestHarness.Equal(OrderStates.Active, rig.SentFor(signal, "sl").Single().State, "the stop is still working");
                    hold = false;
                    await rig.WaitFor(() => rig.Platform.AccountPosition == 0, "the held close to fill");
                    await rig.WaitFor(() => rig.Platform.Working().Count == 0, "AutoCancel of the bracket");
                    TestHarness.Equal(0m, rig.Platform.AccountPosition, "flat, not reversed");
                    TestHarness.True(stopping < TimeSpan.FromSeconds(2), "OnStopping took " + stopping.TotalMilliseconds + " ms");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: OnStopping closes the position within its budget, keeping the stop until flat", async () =>
            {
                using (var rig = new StrategyRig("SCSTOPPINGUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    var signal = await OpenAsync(rig);
                    var took = rig.Platform.Stop();
                    TestHarness.True(took < TimeSpan.FromSeconds(2), "OnStopping took " + took.TotalMilliseconds + " ms");
                    await rig.WaitFor(() => rig.Platform.AccountPosition == 0 && rig.Platform.Working().Count == 0, "flat, nothing working");
                    TestHarness.Equal(1, rig.Closes().Count, "close orders");
                    StopKeptUntilFlat(rig, signal);
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: OnStopping returns within its budget when the close never fills, and says the stop stays", async () =>
            {
                using (var rig = new StrategyRig("SCSTUCKSTOPUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    var signal = await OpenAsync(rig);
                    rig.Platform.HoldFill = o => o.Comment == "gws close";
                    var took = rig.Platform.Stop();
                    TestHarness.True(took < TimeSpan.FromSeconds(2), "OnStopping took " + took.TotalMilliseconds + " ms");
                    TestHarness.True(rig.Noticed("not confirmed") && rig.Noticed("stop stays in place"), "the trader is told");
                    TestHarness.Equal(OrderStates.Active, rig.SentFor(signal, "sl").Single().State, "the stop is still working");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a close request that arrives while the entry is filling is applied once the position exists", async () =>
            {
                using (var rig = new StrategyRig("SCRACEUSDT", gateway, apiKey, control))
                {
                    var hold = true;
                    rig.Platform.HoldFill = o => hold && o.Comment.EndsWith(" entry");
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.SentFor(signal, "entry").Count == 1 && rig.SentFor(signal, "entry")[0].State == OrderStates.Active, "the entry working");
                    await rig.PublishCloseAsync(signal, "opposite_signal");
                    await rig.WaitFor(() => rig.Noticed("arrived while its entry is in flight"), "the close request seen");
                    hold = false;
                    await rig.WaitFor(() => rig.Closes().Count == 1 && rig.Platform.AccountPosition == 0, "the position closed");
                    await rig.WaitFor(() => rig.Platform.Working().Count == 0, "nothing left working");
                    StopKeptUntilFlat(rig, signal);
                    rig.AssertCleanCallbacks();
                }
            });
        }
    }
}
