using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy.Tests
{
    /// <summary>A signal becomes orders once, sized on the live price; only live signals trade.</summary>
    public static class ExecutionScenarios
    {
        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, Control control)
        {
            await t.CheckAsync("strategy on simulated ATAS: a signal executes once: entry, then stop and take-profit in one OCO group at tick prices, ack after the orders, not again after a restart", async () =>
            {
                using (var rig = new StrategyRig("SCONCEUSDT", gateway, apiKey, control))
                using (var client = new GatewayClient(gateway, apiKey))
                {
                    // Acknowledgements fail at first: the gateway keeps serving the signal, so the restart below sees it again.
                    rig.Proxy.FailAcks = true;
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100.2m, 98.2m, 104.2m);
                    await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1 && rig.Proxy.AckAttempts.Any(a => a.Item1 == signal.Id), "entry, bracket and an ack attempt");
                    var entry = rig.SentFor(signal, "entry").Single();
                    var stop = rig.SentFor(signal, "sl").Single();
                    var target = rig.SentFor(signal, "tp").Single();
                    TestHarness.True(entry.Type == OrderTypes.Market && entry.Direction == OrderDirections.Buy, "market buy entry");
                    TestHarness.Equal(50m, entry.QuantityToFill, "size: 1 % of 10000 over the 2.0 from the live ask 100 to the tick-rounded stop 98.0");
                    TestHarness.True(stop.Type == OrderTypes.Stop && stop.Direction == OrderDirections.Sell, "sell stop");
                    TestHarness.Equal(98.0m, stop.TriggerPrice, "stop on the tick (98.2 -> 98.0)");
                    TestHarness.True(target.Type == OrderTypes.Limit && target.Direction == OrderDirections.Sell, "sell limit");
                    TestHarness.Equal(104.0m, target.Price, "target on the tick (104.2 -> 104.0)");
                    TestHarness.True(!string.IsNullOrEmpty(stop.OCOGroup) && stop.OCOGroup == target.OCOGroup, "one OCO group");
                    TestHarness.True(stop.AutoCancel && target.AutoCancel, "AutoCancel on both");
                    TestHarness.Equal(rig.Platform.AccountPosition, stop.QuantityToFill, "the stop covers the position");
                    TestHarness.Equal(OrderStates.Active, stop.State, "the stop is working");
                    var targetSent = rig.Platform.Sent.Single(s => s.Order == target).At;
                    var firstAck = rig.Proxy.AckAttempts.First(a => a.Item1 == signal.Id).Item2;
                    TestHarness.True(firstAck >= targetSent, "acknowledged at " + firstAck.ToString("HH:mm:ss.fff") + ", before the take-profit was sent at " + targetSent.ToString("HH:mm:ss.fff"));
                    var served = await client.GetSignalsAsync(CancellationToken.None);
                    TestHarness.True(served.Items.Any(s => s.Id == signal.Id), "the gateway still serves the unacknowledged signal");

                    rig.Platform.Stop();
                    rig.Strategy = rig.NewStrategy();
                    rig.Platform.Start();
                    await rig.PollsAsync(4);
                    TestHarness.Equal(1, rig.SentFor(signal, "entry").Count, "entries after the restart");
                    rig.Proxy.FailAcks = false;
                    await rig.WaitFor(() => rig.Proxy.Acks.Any(a => a.Item1 == signal.Id), "the owed acknowledgement, after the restart");
                    TestHarness.Equal(1, rig.SentFor(signal, "entry").Count, "entries once acknowledged");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: a late signal whose live price moved past the drift limit is skipped with a notice", async () =>
            {
                using (var rig = new StrategyRig("SCLATEUSDT", gateway, apiKey, control))
                {
                    rig.Strategy.MaxEntryDriftStopDistances = 0.5m;
                    rig.Platform.SetPrice(101.0m, 101.5m);
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 104m);
                    await rig.WaitFor(() => rig.Noticed("stop distances"), "the skip notice");
                    TestHarness.True(rig.Noticed(signal.Id) && rig.Noticed("0.75 stop distances"), "the notice names the signal and the drift");
                    TestHarness.Equal(0, rig.SentOrders().Count, "orders");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: size comes from the live price: the loss at the stop stays within Risk % (one tick, one lot step)", async () =>
            {
                using (var rig = new StrategyRig("SCSIZEUSDT", gateway, apiKey, control))
                {
                    rig.Strategy.MaxEntryDriftStopDistances = 1m;
                    // Signal: entry 100, stop 98. The market is already at 101.5: 3.5 from the stop, not 2.
                    rig.Platform.SetPrice(101.0m, 101.5m);
                    rig.Platform.Start();
                    var signal = await rig.PublishAsync(100m, 98m, 106m);
                    await rig.WaitFor(() => rig.SentFor(signal, "sl").Count == 1, "the stop");
                    var stop = rig.SentFor(signal, "sl").Single();
                    var held = rig.Platform.AccountPosition;
                    var fill = rig.Strategy.AveragePrice;
                    var loss = held * (fill - stop.TriggerPrice);
                    var budget = 10000m * 1m / 100m;
                    var tolerance = held * rig.Platform.Security.TickSize + rig.Platform.Security.LotSize * (fill - stop.TriggerPrice);
                    TestHarness.True(loss <= budget + tolerance, "loss at the stop " + loss + " for " + held + " filled at " + fill + " exceeds the risk " + budget);
                    TestHarness.True(loss > budget * 0.9m, "the budget is used (loss " + loss + ")");
                    rig.AssertCleanCallbacks();
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: replay, demo and source-less signals are not traded; with Trade simulated signals a demo one is", async () =>
            {
                using (var rig = new StrategyRig("SCSOURCEUSDT", gateway, apiKey, control))
                {
                    rig.Platform.Start();
                    var replay = await rig.PublishAsync(100m, 98m, 104m, source: "replay", timeframe: "1m");
                    var demo = await rig.PublishAsync(100m, 98m, 104m, source: "demo", timeframe: "5m");
                    var none = await rig.PublishAsync(100m, 98m, 104m, source: null, timeframe: "15m");
                    await rig.WaitFor(() => rig.Noticed(replay.Id) && rig.Noticed(demo.Id) && rig.Noticed(none.Id), "a notice for each");
                    TestHarness.True(rig.Noticed("'replay' signal") && rig.Noticed("'demo' signal") && rig.Noticed("no metadata.source"), "each notice names the source");
                    TestHarness.Equal(0, rig.SentOrders().Count, "orders for simulated signals");
                    rig.Platform.Stop();

                    rig.Strategy = rig.NewStrategy();
                    rig.Strategy.TradeSimulatedSignals = true;
                    rig.Platform.Start();
                    TestHarness.True(rig.Noticed("TRADE SIMULATED SIGNALS is on"), "the start notice says the switch is on");
                    var demo2 = await rig.PublishAsync(100m, 98m, 104m, source: "demo", timeframe: "30m");
                    await rig.WaitFor(() => rig.SentFor(demo2, "sl").Count == 1, "the demo signal traded");
                    rig.AssertCleanCallbacks();
                }
            });
        }
    }
}
