using System;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy.Tests
{
    /// <summary>The gateway's kill switch: paused, no entries; flatten, the position closed with its stop kept until flat.</summary>
    public static class KillSwitchScenarios
    {
        /// <summary>POST /api/control/{action} as the trader's dashboard or curl would.</summary>
        private static async Task SwitchAsync(string gateway, string apiKey, string action)
        {
            using (var http = new HttpClient())
            using (var request = new HttpRequestMessage(HttpMethod.Post, GatewayUrl.Normalize(gateway) + "api/control/" + action))
            {
                request.Headers.TryAddWithoutValidation(GatewayClient.ApiKeyHeader, apiKey);
                request.Content = new StringContent("{\"by\":\"csharp-scenario\"}", Encoding.UTF8, "application/json");
                using (var response = await http.SendAsync(request).ConfigureAwait(false))
                    TestHarness.True(response.IsSuccessStatusCode, "POST /api/control/" + action + ": HTTP " + (int)response.StatusCode);
            }
        }

        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, Control control)
        {
            await t.CheckAsync("strategy on simulated ATAS: kill switch paused: no entry while paused, the trader is told, entries again after resume", async () =>
            {
                using (var rig = new StrategyRig("SCPAUSEUSDT", gateway, apiKey, control))
                {
                    try
                    {
                        rig.Platform.Start();
                        await SwitchAsync(gateway, apiKey, "pause");
                        await rig.WaitFor(() => rig.Noticed("Kill switch: paused"), "the pause noticed");
                        var held = await rig.PublishAsync(100m, 98m, 104m);
                        await rig.PollsAsync(4);
                        TestHarness.Equal(0, rig.SentFor(held, "entry").Count, "entries while paused");
                        TestHarness.Equal(0, rig.SentOrders().Count, "orders while paused");

                        await SwitchAsync(gateway, apiKey, "resume");
                        await rig.WaitFor(() => rig.Noticed("trading enabled again"), "the resume noticed");
                        await rig.PollsAsync(3);
                        // The signal held while paused stays held: it is stale by now.
                        TestHarness.Equal(0, rig.SentFor(held, "entry").Count, "entries for the held signal after resume");
                        var fresh = await rig.PublishAsync(100m, 98m, 104m);
                        await rig.WaitFor(() => rig.SentFor(fresh, "sl").Count == 1, "the signal after resume executed");
                        rig.AssertCleanCallbacks();
                    }
                    finally
                    {
                        await SwitchAsync(gateway, apiKey, "resume");
                    }
                }
            });

            await t.CheckAsync("strategy on simulated ATAS: kill switch flatten: the position is closed, the stop stays until flat, no new entry", async () =>
            {
                using (var rig = new StrategyRig("SCKILLFLATUSDT", gateway, apiKey, control))
                {
                    try
                    {
                        rig.Platform.Start();
                        var signal = await rig.PublishAsync(100m, 98m, 104m);
                        await rig.WaitFor(() => rig.SentFor(signal, "tp").Count == 1 && rig.SentFor(signal, "sl").Single().State == OrderStates.Active, "the position and its bracket");
                        // The close is held: the stop must still be working while the position exists.
                        var hold = true;
                        rig.Platform.HoldFill = o => hold && o.Comment == "gws close";
                        await SwitchAsync(gateway, apiKey, "flatten");
                        await rig.WaitFor(() => rig.Closes().Count == 1, "the close sent on flatten");
                        TestHarness.True(rig.Noticed("Kill switch: flatten"), "the trader is told");
                        TestHarness.Equal(OrderStates.Active, rig.SentFor(signal, "sl").Single().State, "the stop is still working while the close fills");
                        hold = false;
                        await rig.WaitFor(() => rig.Platform.AccountPosition == 0 && rig.Platform.Working().Count == 0, "flat, nothing working");
                        var stop = rig.SentFor(signal, "sl").Single();
                        var early = rig.Platform.Cancels.Where(c => c.Order == stop && c.PositionAtRequest != 0).ToList();
                        TestHarness.True(early.Count == 0, "the stop was cancelled while the position was held");
                        var during = await rig.PublishAsync(100m, 98m, 104m);
                        await rig.PollsAsync(3);
                        TestHarness.Equal(0, rig.SentFor(during, "entry").Count, "entries while flatten holds");
                        TestHarness.Equal(1, rig.Closes().Count, "close orders");
                        rig.AssertCleanCallbacks();
                    }
                    finally
                    {
                        await SwitchAsync(gateway, apiKey, "resume");
                    }
                }
            });
        }
    }
}
