using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AtasSignalStrategy.Core;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// The core against a live gateway: polling, push with resume, dedupe across both paths and a
    /// restart, age, acknowledgement with retry and its effect on the gateway.
    /// </summary>
    public static class LiveChecks
    {
        private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

        /// <summary>One SSE connection run in the background, collecting its events.</summary>
        private sealed class PushListener : IDisposable
        {
            public readonly SseClient Client;
            public readonly ConcurrentQueue<SseEvent> Events = new ConcurrentQueue<SseEvent>();
            private readonly string _symbol;
            private CancellationTokenSource _cts;
            private Task _run;
            private volatile bool _connected;
            public Exception Ended;

            public PushListener(string gateway, string apiKey, string symbol = null)
            {
                Client = new SseClient(gateway, apiKey) { IdleTimeout = TimeSpan.FromSeconds(5) };
                _symbol = symbol;
            }

            public async Task ConnectAsync()
            {
                _connected = false;
                Ended = null;
                _cts = new CancellationTokenSource();
                var ct = _cts.Token;
                _run = Task.Run(async () =>
                {
                    try
                    {
                        await Client.RunAsync(_symbol, ev => { Events.Enqueue(ev); return Task.FromResult(0); }, () => _connected = true, ct);
                    }
                    catch (Exception ex)
                    {
                        Ended = ex;
                    }
                });
                await TestHarness.WaitFor(() => _connected || _run.IsCompleted, Wait, "the push stream to connect");
                if (!_connected) throw new AssertionException("push stream did not connect: " + Ended);
            }

            /// <summary>Drops the connection as a network failure would, and waits for the reader to notice.</summary>
            public async Task DropAsync()
            {
                Client.Abort();
                await TestHarness.WaitFor(() => _run.IsCompleted, Wait, "the reader to notice the drop");
            }

            public List<SseEvent> Signals() { return Events.Where(e => e.Type == "signal").ToList(); }

            public List<string> SignalIds() { return Signals().Select(e => e.LastEventId).ToList(); }

            public void Dispose()
            {
                if (_cts != null) _cts.Cancel();
                Client.Dispose();
            }
        }

        public static async Task RunAsync(TestHarness t, string gateway, string apiKey, string workDir, Control control)
        {
            using (var client = new GatewayClient(gateway, apiKey))
            using (var push = new PushListener(gateway, apiKey))
            {
                Func<object[], Task<List<SignalDto>>> publish = specs => PublishAsync(control, specs);
                List<SignalDto> first = null;

                await t.CheckAsync("live auth: without the API key the gateway refuses, and the error says so", async () =>
                {
                    if (string.IsNullOrEmpty(apiKey)) throw new AssertionException("run with --api-key (the driver starts the gateway with API_KEY)");
                    using (var anonymous = new GatewayClient(gateway))
                    {
                        var ex = await ThrowsAsync<GatewayException>(() => anonymous.GetSignalsAsync(CancellationToken.None));
                        TestHarness.Equal(401, ex.StatusCode, "status");
                        TestHarness.True(ex.Message.Contains("API key") && !ex.Message.Contains(apiKey), "message: " + ex.Message);
                        TestHarness.True(!ex.IsTransient, "not retried");
                    }
                });

                await t.CheckAsync("live poll: /api/signals/latest is the newest signal and /api/signals lists both, field for field", async () =>
                {
                    first = await publish(new object[] { Spec("BTCUSDT", "BUY", "1m"), Spec("BTCUSDT", "SELL", "5m") });
                    var latest = await client.GetLatestAsync(CancellationToken.None);
                    TestHarness.Equal(1, latest.Items.Count, "latest count");
                    SameSignal(first[1], latest.Items[0], "latest");
                    var all = await client.GetSignalsAsync(CancellationToken.None);
                    TestHarness.Equal(0, all.Problems.Count, "problems: " + string.Join("; ", all.Problems));
                    foreach (var published in first)
                    {
                        var polled = all.Items.FirstOrDefault(s => s.Id == published.Id);
                        TestHarness.True(polled != null, "signal " + published.Id + " is listed");
                        SameSignal(published, polled, "listed");
                    }
                    var bySymbol = await client.GetSignalsForSymbolAsync("btcusdt", CancellationToken.None);
                    TestHarness.True(first.All(p => bySymbol.Items.Any(s => s.Id == p.Id)), "/api/signals/btcusdt lists both");
                });

                List<SignalDto> live = null;
                await t.CheckAsync("live push: a signal published while connected arrives once, with its stream id", async () =>
                {
                    await push.ConnectAsync();
                    live = await publish(new object[] { Spec("BTCUSDT", "BUY", "15m") });
                    await TestHarness.WaitFor(() => push.SignalIds().Contains(live[0].Id), Wait, "the pushed signal");
                    TestHarness.Equal(live[0].Id, string.Join(",", push.SignalIds()), "only the new signal, no replay without Last-Event-ID");
                    var pushed = JsonConvert.DeserializeObject<SignalDto>(push.Signals()[0].Data, Core.Json.Settings);
                    SameSignal(live[0], pushed, "pushed");
                    TestHarness.Equal(3000, push.Client.ServerRetryMs.GetValueOrDefault(), "retry advice");
                });

                List<SignalDto> missed = null, after = null;
                await t.CheckAsync("live push: after a dropped connection, Last-Event-ID replays exactly the missed signals, then live ones", async () =>
                {
                    await push.DropAsync();
                    TestHarness.Equal(live[0].Id, push.Client.LastEventId, "resume point");
                    missed = await publish(new object[] { Spec("BTCUSDT", "SELL", "30m"), Spec("ETHUSDT", "BUY", "1m") });
                    await push.ConnectAsync();
                    after = await publish(new object[] { Spec("BTCUSDT", "BUY", "1h") });
                    var expected = new[] { live[0].Id, missed[0].Id, missed[1].Id, after[0].Id };
                    await TestHarness.WaitFor(() => push.SignalIds().Count >= expected.Length, Wait, "replayed and live signals");
                    TestHarness.Equal(string.Join(",", expected), string.Join(",", push.SignalIds()), "in order, none missed, none repeated");
                });

                await t.CheckAsync("live push: heartbeats arrive on an idle connection", async () =>
                {
                    var before = push.Client.Heartbeats;
                    await TestHarness.WaitFor(() => push.Client.Heartbeats >= before + 2, Wait, "two heartbeats");
                });

                await t.CheckAsync("live push: ?symbol=ethusdt (any case) delivers only that symbol", async () =>
                {
                    using (var eth = new PushListener(gateway, apiKey, "ethusdt"))
                    {
                        await eth.ConnectAsync();
                        var both = await publish(new object[] { Spec("BTCUSDT", "SELL", "2h"), Spec("ETHUSDT", "SELL", "5m") });
                        // The stream keeps order: had the BTC signal passed the filter, it would come first.
                        await TestHarness.WaitFor(() => eth.SignalIds().Contains(both[1].Id), Wait, "the ETH signal");
                        TestHarness.Equal(both[1].Id, string.Join(",", eth.SignalIds()), "only ETHUSDT");
                    }
                });

                var storePath = Path.Combine(workDir, "live-dedupe.json");
                await t.CheckAsync("live dedupe: signals seen by poll and by push execute once each; a restarted store still knows them", async () =>
                {
                    var executor = new RecordingExecutor();
                    var pipeline = NewPipeline(client, storePath, executor);
                    var polled = await client.GetSignalsAsync(CancellationToken.None);
                    var pushed = push.Signals().Select(e => JsonConvert.DeserializeObject<SignalDto>(e.Data, Core.Json.Settings)).ToList();
                    await pipeline.ProcessBatchAsync(polled.Items, CancellationToken.None);
                    await pipeline.ProcessBatchAsync(pushed, CancellationToken.None);
                    await pipeline.ProcessBatchAsync(polled.Items, CancellationToken.None);

                    var btc = polled.Items.Concat(pushed).Where(s => s.Symbol == "BTCUSDT").Select(s => s.Id).Distinct().ToList();
                    var executed = executor.Executed.Select(s => s.Id).ToList();
                    TestHarness.True(btc.Count >= 4, "several BTC signals in play: " + btc.Count);
                    TestHarness.Equal(string.Join(",", btc.OrderBy(i => i, Comparer<string>.Create(StreamId.CompareText))),
                                      string.Join(",", executed.OrderBy(i => i, Comparer<string>.Create(StreamId.CompareText))), "each BTC signal executed once");
                    TestHarness.Equal(executed.Count, executed.Distinct().Count(), "no signal executed twice");
                    TestHarness.True(executor.Executed.All(s => s.Symbol == "BTCUSDT"), "ETHUSDT signals are not this chart's");

                    var restartedExecutor = new RecordingExecutor();
                    var restarted = NewPipeline(client, storePath, restartedExecutor);
                    var results = await restarted.ProcessBatchAsync(polled.Items.Concat(pushed), CancellationToken.None);
                    TestHarness.True(restartedExecutor.Executed.IsEmpty, "nothing executed after the restart");
                    TestHarness.True(results.Where(r => r.Signal.Symbol == "BTCUSDT").All(r => r.Outcome == PipelineOutcome.Duplicate), "all duplicates");
                });

                await t.CheckAsync("live age: a gateway timestamp older than the maximum age is refused, never executed", async () =>
                {
                    var fresh = await publish(new object[] { Spec("BTCUSDT", "BUY", "3m") });
                    DateTime at;
                    TestHarness.True(SignalTime.TryParseUtc(fresh[0].Timestamp, out at), "gateway timestamp parses: " + fresh[0].Timestamp);
                    var executor = new RecordingExecutor();
                    var clock = new ManualClock(at.AddSeconds(61));
                    var pipeline = NewPipeline(client, Path.Combine(workDir, "live-age.json"), executor, clock.Now);
                    var polled = await client.GetSignalsAsync(CancellationToken.None);
                    var result = await pipeline.ProcessAsync(polled.Items.Single(s => s.Id == fresh[0].Id), CancellationToken.None);
                    TestHarness.Equal(PipelineOutcome.Stale, result.Outcome, "outcome (" + result.Message + ")");
                    TestHarness.True(executor.Executed.IsEmpty, "not executed");
                });

                await t.CheckAsync("live ack: retried through two failures, then the gateway shows it acknowledged and /latest moves on", async () =>
                {
                    var target = (await publish(new object[] { Spec("BTCUSDT", "SELL", "4h") }))[0];
                    var latest = await client.GetLatestAsync(CancellationToken.None);
                    TestHarness.Equal(target.Id, latest.Items.Single().Id, "the new signal is the latest before the ack");
                    var failures = 2;
                    var sender = new AckSender((s, ct) =>
                    {
                        if (failures-- > 0) throw new GatewayException("simulated connection reset", 0, true);
                        return client.AcknowledgeAsync(s, ct);
                    }, new RetryPolicy(5, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(200)));
                    var ack = await sender.SendAsync(latest.Items.Single(), CancellationToken.None);
                    TestHarness.True(ack.Ok, "acknowledged: " + ack.Error);
                    TestHarness.Equal(3, ack.Attempts, "attempts");
                    control.Fact("acked", target.Id);

                    var item = await HistoryItemAsync(client, target.Id);
                    TestHarness.Equal("acknowledged", (string)item["state"], "history state");
                    TestHarness.True(!string.IsNullOrEmpty((string)item["acknowledged_at"]), "acknowledged_at set");
                    var after2 = await client.GetLatestAsync(CancellationToken.None);
                    TestHarness.True(after2.Items.All(s => s.Id != target.Id), "/latest no longer returns it");
                    var active = await client.GetSignalsAsync(CancellationToken.None);
                    TestHarness.True(active.Items.All(s => s.Id != target.Id), "/api/signals no longer lists it");
                    await TestHarness.WaitFor(() => push.Events.Any(e => e.Type == "ack" && e.Data.Contains("\"" + target.Id + "\"")), Wait, "the ack event on the push stream");
                });

                await t.CheckAsync("live ack: an id the gateway does not know is a permanent failure (404), tried once", async () =>
                {
                    var calls = 0;
                    var sender = new AckSender((s, ct) => { calls++; return client.AcknowledgeAsync(s, ct); });
                    var ack = await sender.SendAsync(new SignalDto { Id = "1-1", Timestamp = "2020-01-01T00:00:00.000000", Symbol = "BTCUSDT" }, CancellationToken.None);
                    TestHarness.True(!ack.Ok && ack.Permanent, "permanent failure: " + ack.Error);
                    TestHarness.Equal(1, calls, "not retried");
                    TestHarness.True(ack.Error.Contains("404"), "error names the status: " + ack.Error);
                });

                await CloseRequests(t, client, control, first);
            }
        }

        private static async Task CloseRequests(TestHarness t, GatewayClient client, Control control, List<SignalDto> first)
        {
            var probe = await client.GetCloseRequestsAsync(null, CancellationToken.None);
            if (probe.NotAvailable)
            {
                Console.WriteLine("# skipped: the gateway has no /api/positions/close-requests endpoint yet");
                return;
            }
            await t.CheckAsync("live close requests: each new close request is returned once", async () =>
            {
                var poller = new CloseRequestPoller(client);
                await poller.PollAsync(null, CancellationToken.None); // existing ones
                // As the strategy starts: from a moment on, not from the beginning of the stream.
                var fromStart = new CloseRequestPoller(client, CloseRequestPoller.StartingAt(DateTime.UtcNow.AddMinutes(-5)));
                var later = new CloseRequestPoller(client, CloseRequestPoller.StartingAt(DateTime.UtcNow.AddMinutes(10)));
                var signal = first[0];
                var reply = await control.RequestAsync(new JObject
                {
                    { "op", "publish_close" }, { "signal_id", signal.Id }, { "signal_timestamp", signal.Timestamp },
                    { "symbol", signal.Symbol }, { "direction", signal.Direction }, { "reason", "max_hold" },
                }, Wait);
                List<CloseRequestDto> got = null;
                await TestHarness.WaitFor(() =>
                {
                    got = poller.PollAsync(null, CancellationToken.None).GetAwaiter().GetResult();
                    return got.Count > 0;
                }, Wait, "the close request");
                TestHarness.Equal(1, got.Count, "one close request");
                TestHarness.Equal(signal.Id, got[0].SignalId, "signal id");
                TestHarness.Equal("max_hold", got[0].Reason, "reason");
                TestHarness.Equal((string)reply["id"], got[0].Id, "id");
                TestHarness.Equal(0, (await poller.PollAsync(null, CancellationToken.None)).Count, "not returned again");
                TestHarness.Equal(got[0].Id, string.Join(",", (await fromStart.PollAsync(null, CancellationToken.None)).Select(r => r.Id)), "a cursor from 5 min ago sees it");
                TestHarness.Equal(0, (await later.PollAsync(null, CancellationToken.None)).Count, "a cursor from the future does not");
            });
        }

        private static SignalPipeline NewPipeline(GatewayClient client, string storePath, RecordingExecutor executor, Func<DateTime> clock = null)
        {
            return new SignalPipeline(sym => sym == "BTCUSDT", 60, DedupeStore.Open(storePath), executor,
                                      new AckSender(client.AcknowledgeAsync), (level, key, msg) => Console.WriteLine("# notice: " + msg), clock);
        }

        private static object Spec(string symbol, string direction, string timeframe)
        {
            // Distinct timeframes: the gateway keeps one active signal per symbol and timeframe.
            return new JObject { { "symbol", symbol }, { "direction", direction }, { "timeframe", timeframe } };
        }

        private static async Task<List<SignalDto>> PublishAsync(Control control, object[] specs)
        {
            var reply = await control.RequestAsync(new JObject { { "op", "publish" }, { "signals", new JArray(specs) } }, Wait);
            var signals = ((JArray)reply["signals"]).Select(j => j.ToObject<SignalDto>(Core.Json.Serializer)).ToList();
            TestHarness.Equal(specs.Length, signals.Count, "published signals");
            return signals;
        }

        private static async Task<JObject> HistoryItemAsync(GatewayClient client, string id)
        {
            var body = await client.GetRawAsync("api/signals/history", CancellationToken.None);
            var root = JsonConvert.DeserializeObject<JObject>(body, Core.Json.Settings);
            var item = ((JArray)root["signals"]).OfType<JObject>().FirstOrDefault(i => (string)i["id"] == id);
            if (item == null) throw new AssertionException("signal " + id + " is not in /api/signals/history");
            return item;
        }

        private static void SameSignal(SignalDto expected, SignalDto actual, string what)
        {
            TestHarness.Equal(expected.Id, actual.Id, what + " id");
            TestHarness.Equal(expected.Timestamp, actual.Timestamp, what + " timestamp (verbatim)");
            TestHarness.Equal(expected.Symbol, actual.Symbol, what + " symbol");
            TestHarness.Equal(expected.Direction, actual.Direction, what + " direction");
            TestHarness.Equal(expected.EntryPrice, actual.EntryPrice, what + " entry_price");
            TestHarness.Equal(expected.StopLoss, actual.StopLoss, what + " stop_loss");
            TestHarness.Equal(expected.TakeProfit, actual.TakeProfit, what + " take_profit");
            TestHarness.Equal(expected.Leverage, actual.Leverage, what + " leverage");
            TestHarness.Equal(expected.Timeframe, actual.Timeframe, what + " timeframe");
            TestHarness.Equal(expected.StrategyName, actual.StrategyName, what + " strategy_name");
            TestHarness.Equal(expected.Metadata.StrategiesAgree, actual.Metadata.StrategiesAgree, what + " metadata.strategies_agree");
        }

        private static async Task<T> ThrowsAsync<T>(Func<Task> body) where T : Exception
        {
            try
            {
                await body();
            }
            catch (T ex)
            {
                return ex;
            }
            throw new AssertionException("expected " + typeof(T).Name);
        }
    }
}
