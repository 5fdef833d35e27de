using System;
using System.Linq;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Tests
{
    /// <summary>The gateway misbehaving: down, slow, garbage, the same signal twice.</summary>
    public static class GatewayScenarios
    {
        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, Control control)
        {
            await t.CheckAsync("strategy on simulated ATAS: with the gateway down the trader is told; once it is back the signal trades", async () =>
            {
                using (var rig = new StrategyRig("SCDOWNUSDT", gateway, apiKey, control))
                {
                    rig.Proxy.Down = true;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.Proxy.Failures >= 3 && rig.Noticed("Signal gateway"), "failed polls shown");
                    TestHarness.Equal(0, rig.SentOrders().Count, "orders while down");
                    rig.Proxy.Down = false;
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1 && rig.Proxy.Acks.Any(a => a.Item1 == signal.Id), "traded and acknowledged");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a slow acknowledgement does not hold up the next signal", async () =>
            {
                using (var rig = new StrategyRig("SCSLOWUSDT", gateway, apiKey, control))
                {
                    rig.Proxy.AckDelay = TimeSpan.FromSeconds(8);
                    rig.Platform.Start();
                    var first = await rig.PublishAsync(100m, 98m, 104m, timeframe: "1m");
                    await rig.WaitFor(() => rig.SentFor(first, "tp").Count == 1, "the first signal's bracket");
                    // The take-profit fills: flat again, so the next signal may trade.
                    rig.Platform.SetPrice(104.5m, 105m);
                    await rig.WaitFor(() => rig.Platform.AccountPosition == 0, "the take-profit to fill");
                    rig.Platform.SetPrice(99.5m, 100m);
                    var second = await rig.PublishAsync(100m, 98m, 104m, timeframe: "5m");
                    await rig.WaitFor(() => rig.SentFor(second, "entry").Count == 1, "the second entry");
                    var secondAt = rig.Platform.Sent.Single(s => s.Order == rig.SentFor(second, "entry")[0]).At;
                    await rig.WaitFor(() => rig.Proxy.Acks.Any(a => a.Item1 == first.Id), "the slow acknowledgement");
                    var ackAt = rig.Proxy.Acks.First(a => a.Item1 == first.Id).Item2;
                    TestHarness.True(secondAt < ackAt, "the second entry waited for the first acknowledgement (entry " + secondAt.ToString("HH:mm:ss.fff") + ", ack " + ackAt.ToString("HH:mm:ss.fff") + ")");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: garbage from the gateway is shown and skipped; the next good answer trades", async () =>
            {
                using (var rig = new StrategyRig("SCGARBAGEUSDT", gateway, apiKey, control))
                {
                    rig.Proxy.Garbage = true;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.Proxy.Failures >= 2 && rig.Noticed("Signal gateway"), "the garbage shown");
                    TestHarness.Equal(0, rig.SentOrders().Count, "orders from garbage");
                    rig.Proxy.Garbage = false;
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1, "traded once the answer is good");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: the same signal served twice in every answer is executed once", async () =>
            {
                using (var rig = new StrategyRig("SCTWICEUSDT", gateway, apiKey, control))
                {
                    rig.Proxy.Duplicate = true;
                    // Unacknowledged, the gateway keeps serving it: every later poll offers it again.
                    rig.Proxy.FailAcks = true;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1, "traded");
                    // Closed by its take-profit: a second execution would now find no position in its way.
                    rig.Platform.SetPrice(104.5m, 105m);
                    await rig.WaitFor(() => rig.Platform.AccountPosition == 0, "the take-profit to fill");
                    rig.Platform.SetPrice(99.5m, 100m);
                    await rig.PollsAsync(4);
                    TestHarness.Equal(1, rig.SentFor(signal, "entry").Count, "entries");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a connector without server-side stops and OCO: the trader is told protection lives in ATAS; OCO still cancels the sibling", async () =>
            {
                using (var rig = new StrategyRig("SCNOOCOUSDT", gateway, apiKey, control, serverOco: false))
                {
                    rig.Platform.Start();
                    TestHarness.True(rig.Noticed("EMULATED by ATAS") && rig.Noticed("keep ATAS running"), "start notice: " + string.Join(" | ", rig.Platform.Notifications));
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1, "the bracket");
                    rig.Platform.SetPrice(97.5m, 98m);
                    await rig.WaitFor(() => rig.Platform.AccountPosition == 0 && rig.Platform.Working().Count == 0, "stopped out, target cancelled");
                    TestHarness.True(rig.SentFor(signal, "tp").Single().Canceled, "the take-profit was cancelled by the OCO");
                    rig.AssertCleanCallbacks();
                }
            });
        }
    }
}
