using System;
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
    /// <summary>Checks of the core that need no gateway: maths, parsing, persistence, the pipeline's rules.</summary>
    public static class OfflineChecks
    {
        private const string Ts = "2024-11-21T10:30:45.123456";
        private static readonly DateTime TsUtc = new DateTime(2024, 11, 21, 10, 30, 45, DateTimeKind.Utc).AddTicks(1234560);

        public static async Task RunAsync(TestHarness t, string workDir)
        {
            Sizing(t);
            Age(t);
            Validation(t);
            Symbols(t);
            Sse(t);
            Dedupe(t, workDir);
            Json(t);
            Settings(t);
            Throttle(t);
            await Acks(t).ConfigureAwait(false);
            await Pipeline(t, workDir).ConfigureAwait(false);
            await SafetyChecks.RunAsync(t, workDir).ConfigureAwait(false);
            StubChecks.Run(t);
        }

        private static SizingResult Size(decimal balance, decimal risk, decimal entry, decimal stop, decimal step, decimal min, decimal max,
                                         decimal valuePerPoint = 1m, decimal maxNotional = 0m)
        {
            return PositionSizer.Size(new SizingInput
            {
                Balance = balance, RiskPercent = risk, EntryPrice = entry, StopPrice = stop, LotStep = step,
                MinQuantity = min, MaxQuantity = max, ValuePerPoint = valuePerPoint, MaxNotional = maxNotional,
            });
        }

        private static void Sizing(TestHarness t)
        {
            t.Check("sizing: 1 % of 10000 over a 17.5 stop is 5.714 at step 0.001, risking no more than 100", () =>
            {
                var r = Size(10000m, 1m, 3500m, 3482.5m, 0.001m, 0.001m, 0m);
                TestHarness.Equal(5.714m, r.Quantity, "quantity");
                TestHarness.True(r.RiskAmount <= 100m && r.RiskAmount > 99.9m, "risk " + r.RiskAmount + " within the 100 budget");
            });
            t.Check("sizing: rounds down to the lot step, never up (0.0999 -> 0.09, not 0.10)", () =>
            {
                var r = Size(1000m, 1m, 1000m, 899.9m, 0.01m, 0.01m, 0m);
                TestHarness.Equal(0.09m, r.Quantity, "quantity");
                TestHarness.True(r.RiskAmount <= 10m, "risk " + r.RiskAmount + " stays within the 10 budget");
            });
            t.Check("sizing: below the instrument minimum means no trade, not the minimum", () =>
            {
                var r = Size(100m, 1m, 3500m, 3482.5m, 0.1m, 0.1m, 0m);
                TestHarness.Equal(0m, r.Quantity, "quantity");
                TestHarness.True(!r.CanTrade && r.Reason.Contains("below the minimum"), "reason: " + r.Reason);
                // A minimum coarser than the step: 0.05 is tradeable, 0.005 is not.
                TestHarness.Equal(0.05m, Size(100m, 1m, 100m, 80m, 0.001m, 0.01m, 0m).Quantity, "0.05 is above the 0.01 minimum");
                TestHarness.Equal(0m, Size(10m, 1m, 100m, 80m, 0.001m, 0.01m, 0m).Quantity, "0.005 is below the 0.01 minimum");
            });
            t.Check("sizing: clamped to the maximum, and the clamp stays on the lot step", () =>
            {
                var r = Size(1000000m, 1m, 100m, 99m, 0.001m, 0.001m, 50.0005m);
                TestHarness.Equal(50.000m, r.Quantity, "quantity");
                TestHarness.True(r.Reason != null && r.Reason.Contains("maximum"), "reason names the cap: " + r.Reason);
            });
            t.Check("sizing: a very tight stop is capped by the notional limit (balance x leverage)", () =>
            {
                var r = Size(10000m, 1m, 100m, 99.99m, 0.001m, 0.001m, 0m, 1m, 20000m);
                TestHarness.Equal(200m, r.Quantity, "quantity");
            });
            t.Check("sizing: futures use tick cost / tick size (ES: 0.25 tick = 12.5) -> 2 contracts for 500 over 5 points", () =>
            {
                var r = Size(50000m, 1m, 5000m, 4995m, 1m, 1m, 0m, 12.5m / 0.25m);
                TestHarness.Equal(2m, r.Quantity, "contracts");
                TestHarness.Equal(500m, r.RiskAmount, "risk");
            });
            t.Check("sizing: refuses a zero stop distance, a zero or absurd risk %, and no balance", () =>
            {
                TestHarness.Equal(0m, Size(10000m, 1m, 100m, 100m, 0.001m, 0m, 0m).Quantity, "zero distance");
                TestHarness.Equal(0m, Size(10000m, 0m, 100m, 90m, 0.001m, 0m, 0m).Quantity, "zero risk");
                TestHarness.Equal(0m, Size(10000m, 150m, 100m, 90m, 0.001m, 0m, 0m).Quantity, "150 % risk");
                TestHarness.Equal(0m, Size(0m, 1m, 100m, 90m, 0.001m, 0m, 0m).Quantity, "no balance");
            });
            t.Check("sizing: without a lot step the minimum is the step", () =>
            {
                TestHarness.Equal(0.6m, Size(1000m, 1m, 100m, 85m, 0m, 0.1m, 0m).Quantity, "10 / 15 = 0.667 rounds down to 0.6 at step 0.1");
            });
        }

        private static void Age(TestHarness t)
        {
            t.Check("age: a 10 s old signal passes a 60 s limit, a 61 s old one is refused", () =>
            {
                TestHarness.Equal<string>(null, SignalAge.Check(Ts, TsUtc.AddSeconds(10), 60), "10 s old");
                var old = SignalAge.Check(Ts, TsUtc.AddSeconds(61), 60);
                TestHarness.True(old != null && old.Contains("older than the maximum age of 60 s"), "61 s old: " + old);
            });
            t.Check("age: a timestamp 10 s in the future is refused (clock skew), 3 s is tolerated", () =>
            {
                var future = SignalAge.Check(Ts, TsUtc.AddSeconds(-10), 60);
                TestHarness.True(future != null && future.Contains("in the future"), "10 s ahead: " + future);
                TestHarness.Equal<string>(null, SignalAge.Check(Ts, TsUtc.AddSeconds(-3), 60), "3 s ahead");
            });
            t.Check("age: timestamps are read as UTC with microseconds; an offset is honoured; garbage is refused", () =>
            {
                DateTime parsed;
                TestHarness.True(SignalTime.TryParseUtc(Ts, out parsed), "parses");
                TestHarness.Equal(TsUtc, parsed, "UTC value");
                TestHarness.True(SignalTime.TryParseUtc("2024-11-21T12:30:45.123456+02:00", out parsed), "offset parses");
                TestHarness.Equal(TsUtc, parsed, "offset converted to UTC");
                var bad = SignalAge.Check("yesterday", TsUtc, 60);
                TestHarness.True(bad != null && bad.Contains("not a valid time"), "garbage: " + bad);
            });
        }

        internal static SignalDto Signal(string id, string direction = "BUY", decimal entry = 3500m, decimal sl = 3482.5m, decimal tp = 3542m,
                                        string symbol = "BTCUSDT", string ts = Ts)
        {
            return new SignalDto
            {
                Id = id, Timestamp = ts, Symbol = symbol, Direction = direction, EntryPrice = entry, StopLoss = sl, TakeProfit = tp,
                Leverage = 20, SignalStrength = 85.5m, Timeframe = "1m", StrategyName = "Test",
                Metadata = new SignalMetadata { Source = SignalSource.Live },
            };
        }

        private static void Validation(TestHarness t)
        {
            t.Check("validation: a well-formed BUY and SELL pass", () =>
            {
                TestHarness.Equal<string>(null, SignalValidator.Validate(Signal("1-0")), "BUY");
                TestHarness.Equal<string>(null, SignalValidator.Validate(Signal("1-0", "SELL", 3500m, 3520m, 3450m)), "SELL");
            });
            t.Check("validation: a stop on the wrong side is refused and named", () =>
            {
                var buy = SignalValidator.Validate(Signal("1-0", "BUY", 3500m, 3510m, 3542m));
                TestHarness.True(buy != null && buy.Contains("stop_loss") && buy.Contains("below"), "BUY with SL above: " + buy);
                var sell = SignalValidator.Validate(Signal("1-0", "SELL", 3500m, 3490m, 3450m));
                TestHarness.True(sell != null && sell.Contains("stop_loss") && sell.Contains("above"), "SELL with SL below: " + sell);
            });
            t.Check("validation: a take-profit on the wrong side, a zero price or an unknown direction is refused", () =>
            {
                var tp = SignalValidator.Validate(Signal("1-0", "SELL", 3500m, 3520m, 3550m));
                TestHarness.True(tp != null && tp.Contains("take_profit"), "SELL with TP above: " + tp);
                TestHarness.True(SignalValidator.Validate(Signal("1-0", "BUY", 0m, 0m, 1m)) != null, "zero prices");
                var dir = SignalValidator.Validate(Signal("1-0", "LONG"));
                TestHarness.True(dir != null && dir.Contains("BUY or SELL"), "direction: " + dir);
            });
            t.Check("validation: after the fill, a stop the price already passed forces a close", () =>
            {
                TestHarness.True(SignalValidator.CheckStopAfterFill(true, 3481m, 3482.5m) != null, "BUY filled below its stop");
                TestHarness.Equal<string>(null, SignalValidator.CheckStopAfterFill(true, 3501m, 3482.5m), "BUY filled above its stop");
                TestHarness.True(SignalValidator.CheckStopAfterFill(false, 3525m, 3520m) != null, "SELL filled above its stop");
            });
        }

        private static void Symbols(TestHarness t)
        {
            var chart = new[] { "BTCUSDT@BinanceFutures", "BTCUSDT" };
            t.Check("symbols: without a mapping, a signal matches the chart with the same code (any case)", () =>
            {
                TestHarness.True(SymbolMap.Empty.Matches("BTCUSDT", chart), "BTCUSDT");
                TestHarness.True(SymbolMap.Empty.Matches("btcusdt", new[] { "BTCUSDT@Bybit", "" }), "case and SecurityId");
                TestHarness.True(!SymbolMap.Empty.Matches("ETHUSDT", chart), "another instrument never matches");
            });
            t.Check("symbols: a mapping sends a signal symbol to the listed chart only", () =>
            {
                var map = SymbolMap.Parse("BTCUSDT=XBTUSD@BitMEX; ETHUSDT = ETH-PERP\nSOLUSDT=SOLUSDT@BinanceFutures");
                TestHarness.Equal(3, map.Count, "entries");
                TestHarness.True(map.Matches("BTCUSDT", new[] { "XBTUSD@BitMEX", "XBTUSD" }), "mapped target");
                TestHarness.True(!map.Matches("BTCUSDT", chart), "a mapped symbol no longer matches by its own name");
                TestHarness.True(map.Matches("ETHUSDT", new[] { "eth-perp" }), "case-insensitive target");
                TestHarness.Equal("BTCUSDT", map.SingleSignalSymbolFor(new[] { "XBTUSD@BitMEX" }), "push filter");
                TestHarness.Equal("BTCUSDT", SymbolMap.Empty.SingleSignalSymbolFor(chart), "identity push filter");
            });
            t.Check("symbols: a malformed mapping entry is named in the error", () =>
            {
                var ex = TestHarness.Throws<FormatException>(() => SymbolMap.Parse("BTCUSDT=BTCUSDT; ETHUSDT"), "parse");
                TestHarness.True(ex.Message.Contains("'ETHUSDT'"), "message names the entry: " + ex.Message);
            });
        }

        private static void Sse(TestHarness t)
        {
            t.Check("sse parser: retry, heartbeat comments, id/event/data, multi-line data, the id kept across events", () =>
            {
                var p = new SseParser();
                var events = new List<SseEvent>();
                var lines = new[]
                {
                    "retry: 3000", "", ": heartbeat 2024-11-21T10:30:45Z", "",
                    "id: 1732185045123-0", "event: signal", "data: {\"a\":1}", "",
                    "event: ack", "data:{\"id\":\"1732185045123-0\"}", "",
                    "data: line1", "data: line2", "",
                };
                foreach (var line in lines)
                {
                    var ev = p.Feed(line);
                    if (ev != null) events.Add(ev);
                }
                TestHarness.Equal(3000, p.RetryMs.GetValueOrDefault(), "retry");
                TestHarness.Equal(1, p.Comments, "heartbeats");
                TestHarness.Equal(3, events.Count, "events");
                TestHarness.Equal("signal", events[0].Type, "type");
                TestHarness.Equal("{\"a\":1}", events[0].Data, "data");
                TestHarness.Equal("1732185045123-0", events[0].LastEventId, "id");
                TestHarness.Equal("ack", events[1].Type, "ack type");
                TestHarness.Equal("1732185045123-0", events[1].LastEventId, "an event without id keeps the last id");
                TestHarness.Equal("message", events[2].Type, "default type");
                TestHarness.Equal("line1\nline2", events[2].Data, "data lines joined");
            });
        }

        private static void Dedupe(TestHarness t, string workDir)
        {
            t.Check("dedupe: a signal is claimed once, and still known after reopening the file", () =>
            {
                var path = Path.Combine(workDir, "dedupe-restart.json");
                var store = DedupeStore.Open(path);
                TestHarness.True(store.TryClaim(Signal("100-0")), "first claim");
                TestHarness.True(!store.TryClaim(Signal("100-0")), "second claim refused");
                store.SetState("100-0", SignalStates.Executed);
                var reopened = DedupeStore.Open(path);
                TestHarness.True(reopened.IsKnown("100-0"), "known after restart");
                TestHarness.True(!reopened.TryClaim(Signal("100-0")), "not claimable after restart");
                TestHarness.Equal(SignalStates.Executed, reopened.GetState("100-0"), "state survives");
                TestHarness.Equal(1, reopened.WithState(SignalStates.Executed).Count, "pending acknowledgement survives");
            });
            t.Check("dedupe: bounded; dropped ids stay known through the floor, newer ids do not", () =>
            {
                var path = Path.Combine(workDir, "dedupe-bounded.json");
                var store = DedupeStore.Open(path, 3);
                for (var i = 1; i <= 5; i++) store.TryClaim(Signal(i + "-0"));
                TestHarness.Equal(3, store.Count, "entries kept");
                TestHarness.Equal("2-0", store.Floor, "floor");
                TestHarness.True(store.IsKnown("1-0") && store.IsKnown("2-0"), "dropped ids still known");
                TestHarness.True(!store.IsKnown("6-0"), "a newer id is new");
                var reopened = DedupeStore.Open(path, 3);
                TestHarness.True(reopened.IsKnown("1-0") && !reopened.IsKnown("6-0"), "floor survives a restart");
            });
            t.Check("dedupe: an unreadable file is kept aside and everything before 'now' counts as handled", () =>
            {
                var path = Path.Combine(workDir, "dedupe-corrupt.json");
                File.WriteAllText(path, "{ not json");
                var now = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                var store = DedupeStore.Open(path, 100, () => now);
                TestHarness.True(store.Recovered && store.RecoveryMessage.Contains("unreadable"), "recovery reported: " + store.RecoveryMessage);
                var nowMs = (long)(now - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
                TestHarness.True(store.IsKnown((nowMs - 5000) + "-0"), "a signal from before the recovery is treated as handled");
                TestHarness.True(!store.IsKnown((nowMs + 5000) + "-0"), "a later signal is new");
                TestHarness.True(Directory.GetFiles(workDir, "dedupe-corrupt.json.corrupt-*").Length == 1, "the bad file is kept for inspection");
            });
            t.Check("dedupe: a file only written as *.tmp (crash before the swap) is still loaded", () =>
            {
                var path = Path.Combine(workDir, "dedupe-tmp.json");
                var first = DedupeStore.Open(Path.Combine(workDir, "dedupe-tmp-src.json"));
                first.TryClaim(Signal("7-0"));
                File.Copy(Path.Combine(workDir, "dedupe-tmp-src.json"), path + ".tmp");
                TestHarness.True(DedupeStore.Open(path).IsKnown("7-0"), "loaded from the temp file");
            });
            t.Check("dedupe: when the file cannot be written the claim fails and nothing is remembered", () =>
            {
                var dir = Path.Combine(workDir, "dedupe-gone");
                var store = DedupeStore.Open(Path.Combine(dir, "store.json"));
                Directory.Delete(dir, true);
                File.WriteAllText(dir, "a file where the directory was");
                TestHarness.Throws<IOException>(() => store.TryClaim(Signal("9-0")), "claim");
                TestHarness.True(!store.IsKnown("9-0"), "not remembered, so never traded as 'claimed'");
            });
        }

        private static void Json(TestHarness t)
        {
            t.Check("json: timestamps stay verbatim, prices keep every digit, a bad item is skipped and named", () =>
            {
                var body = "{\"status\":\"success\",\"count\":2,\"signals\":[" +
                           "{\"id\":\"1-0\",\"timestamp\":\"2024-11-21T10:30:45.123456\",\"symbol\":\"ETHUSDT\",\"direction\":\"BUY\"," +
                           "\"entry_price\":3500.123456789,\"stop_loss\":3482.5,\"take_profit\":3542.0,\"leverage\":20,\"signal_strength\":85.5," +
                           "\"timeframe\":\"1m\",\"strategy_name\":\"HF\",\"metadata\":{\"consensus_confidence\":75.0,\"strategies_agree\":4," +
                           "\"risk_reward_ratio\":2.4,\"candle_time\":\"2024-11-21T10:30:00\"}}," +
                           "{\"id\":\"2-0\",\"timestamp\":\"2024-11-21T10:30:46.000001\",\"leverage\":\"lots\"}]}";
                var root = JsonConvert.DeserializeObject<JObject>(body, Core.Json.Settings);
                var batch = ParsedBatch<SignalDto>.FromArray(root["signals"], "signals");
                TestHarness.Equal(1, batch.Items.Count, "good items");
                TestHarness.Equal(1, batch.Problems.Count, "problems");
                TestHarness.True(batch.Problems[0].StartsWith("signals[1]"), "problem names the item: " + batch.Problems[0]);
                var s = batch.Items[0];
                TestHarness.Equal("2024-11-21T10:30:45.123456", s.Timestamp, "timestamp");
                TestHarness.Equal(3500.123456789m, s.EntryPrice, "entry");
                TestHarness.Equal(4, s.Metadata.StrategiesAgree, "metadata");
                TestHarness.Equal("2024-11-21T10:30:00", (string)s.Metadata.Extra["candle_time"], "extra metadata kept verbatim");
            });
            t.Check("url: the base address is found in whatever the trader pasted", () =>
            {
                TestHarness.Equal("http://h:8888/", GatewayUrl.Normalize("http://h:8888").ToString(), "bare");
                TestHarness.Equal("http://h:8888/", GatewayUrl.Normalize(" http://h:8888/api/signals/latest ").ToString(), "endpoint URL");
                TestHarness.Equal("https://h/gw/", GatewayUrl.Normalize("https://h/gw/api/signals").ToString(), "prefix kept");
                TestHarness.Throws<ArgumentException>(() => GatewayUrl.Normalize("ftp://h"), "ftp");
                var ex = TestHarness.Throws<ArgumentException>(() => GatewayUrl.Normalize(""), "empty");
                TestHarness.True(ex.Message.Contains("API URL"), "names the setting: " + ex.Message);
            });
        }

        private static void Settings(TestHarness t)
        {
            t.Check("settings: defaults are valid and safe (alerts only); bad values are named", () =>
            {
                var s = new StrategySettings();
                TestHarness.Equal(0, s.Validate().Count, "defaults valid");
                TestHarness.True(!s.AutoTrade, "auto trade is off by default");
                s.RiskPercent = 25m;
                s.PollIntervalMs = 10;
                s.SymbolMapping = "BTCUSDT";
                s.ApiUrl = "localhost:8888";
                var errors = string.Join(" | ", s.Validate());
                foreach (var name in new[] { "Risk %", "Poll interval", "Symbol mapping", "API URL" })
                    TestHarness.True(errors.Contains(name), "error names '" + name + "': " + errors);
            });
        }

        private static void Throttle(TestHarness t)
        {
            t.Check("notifications: one per key per minute, then a count of the held-back ones", () =>
            {
                var clock = new ManualClock(TsUtc);
                var throttle = new NotificationThrottle(TimeSpan.FromSeconds(60), clock.Now);
                TestHarness.Equal("down", throttle.Filter("gw", "down"), "first");
                TestHarness.Equal<string>(null, throttle.Filter("gw", "down"), "repeat held back");
                TestHarness.Equal("other", throttle.Filter("other", "other"), "another key passes");
                clock.Advance(TimeSpan.FromSeconds(61));
                TestHarness.Equal("down (1 similar messages held back)", throttle.Filter("gw", "down"), "after a minute");
            });
        }

        private static async Task Acks(TestHarness t)
        {
            t.Check("retry policy: 0.5 s doubling, capped at 8 s", () =>
            {
                var p = new RetryPolicy();
                TestHarness.Equal(500.0, p.DelayAfter(1).TotalMilliseconds, "1");
                TestHarness.Equal(1000.0, p.DelayAfter(2).TotalMilliseconds, "2");
                TestHarness.Equal(8000.0, p.DelayAfter(5).TotalMilliseconds, "5");
                TestHarness.Equal(8000.0, p.DelayAfter(40).TotalMilliseconds, "40");
            });
            await t.CheckAsync("ack: transient failures are retried with backoff; a 4xx is not retried", async () =>
            {
                var waits = new List<TimeSpan>();
                Func<TimeSpan, CancellationToken, Task> delay = (d, ct) => { waits.Add(d); return Task.FromResult(0); };
                var calls = 0;
                var sender = new AckSender((s, ct) =>
                {
                    calls++;
                    if (calls <= 2) throw new GatewayException("HTTP 503", 503, true);
                    return Task.FromResult(0);
                }, new RetryPolicy(), delay);
                var ok = await sender.SendAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.True(ok.Ok, "acknowledged");
                TestHarness.Equal(3, ok.Attempts, "attempts");
                TestHarness.Equal("500,1000", string.Join(",", waits.Select(w => w.TotalMilliseconds)), "backoff");

                calls = 0;
                var permanent = await new AckSender((s, ct) => { calls++; throw new GatewayException("HTTP 404", 404, false); }, null, delay)
                    .SendAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.True(!permanent.Ok && permanent.Permanent, "404 is permanent");
                TestHarness.Equal(1, calls, "404 tried once");

                var down = await new AckSender((s, ct) => { throw new GatewayException("refused", 0, true); }, new RetryPolicy(3), delay)
                    .SendAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.True(!down.Ok && !down.Permanent && down.Attempts == 3, "gives up after 3, not permanent");
            });
        }

        internal sealed class PipelineRig
        {
            public ManualClock Clock = new ManualClock(TsUtc.AddSeconds(1));
            public RecordingExecutor Executor = new RecordingExecutor();
            public List<string> Acked = new List<string>();
            public int FailAcks;
            public bool RefuseAcks;
            public List<string> Notices = new List<string>();
            public DedupeStore Store;
            public SignalPipeline Pipeline;
            /// <summary>When set, every acknowledgement waits for it (a slow gateway).</summary>
            public Task AckBlocker;

            public PipelineRig(string path)
            {
                Store = DedupeStore.Open(path);
                var sender = new AckSender(async (s, ct) =>
                {
                    if (AckBlocker != null) await AckBlocker;
                    if (RefuseAcks) throw new GatewayException("HTTP 404 unknown signal", 404, false);
                    if (FailAcks > 0) { FailAcks--; throw new GatewayException("connection refused", 0, true); }
                    lock (Acked) Acked.Add(s.Id);
                }, new RetryPolicy(2), (d, ct) => Task.FromResult(0));
                Pipeline = new SignalPipeline(sym => sym == "BTCUSDT", 60, Store, Executor, sender,
                                              (level, key, msg) => Notices.Add(msg), Clock.Now);
            }
        }

        private static async Task Pipeline(TestHarness t, string workDir)
        {
            await t.CheckAsync("pipeline: a batch is executed oldest first, each once, and acknowledged", async () =>
            {
                var rig = new PipelineRig(Path.Combine(workDir, "pipe-order.json"));
                await rig.Pipeline.ProcessBatchAsync(new[] { Signal("3-0"), Signal("1-0"), Signal("2-0") }, CancellationToken.None);
                await rig.Pipeline.ProcessBatchAsync(new[] { Signal("2-0"), Signal("3-0") }, CancellationToken.None);
                TestHarness.Equal("1-0,2-0,3-0", string.Join(",", rig.Executor.Executed.Select(s => s.Id)), "executions");
                TestHarness.Equal("1-0,2-0,3-0", string.Join(",", rig.Acked), "acknowledgements");
                TestHarness.Equal(SignalStates.Acked, rig.Store.GetState("3-0"), "state");
            });
            await t.CheckAsync("pipeline: another instrument is left alone (not executed, not remembered)", async () =>
            {
                var rig = new PipelineRig(Path.Combine(workDir, "pipe-symbol.json"));
                var r = await rig.Pipeline.ProcessAsync(Signal("1-0", symbol: "ETHUSDT"), CancellationToken.None);
                TestHarness.Equal(PipelineOutcome.OtherSymbol, r.Outcome, "outcome");
                TestHarness.True(rig.Executor.Executed.IsEmpty && !rig.Store.IsKnown("1-0"), "untouched");
            });
            await t.CheckAsync("pipeline: a stale or wrong-side signal is refused once, with a notice, never executed", async () =>
            {
                var rig = new PipelineRig(Path.Combine(workDir, "pipe-reject.json"));
                rig.Clock.Set(TsUtc.AddSeconds(120));
                var stale = await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                var wrong = await rig.Pipeline.ProcessAsync(Signal("2-0", "BUY", 3500m, 3600m, 3542m), CancellationToken.None);
                var again = await rig.Pipeline.ProcessAsync(Signal("2-0", "BUY", 3500m, 3600m, 3542m), CancellationToken.None);
                TestHarness.Equal(PipelineOutcome.Stale, stale.Outcome, "stale");
                TestHarness.Equal(PipelineOutcome.Invalid, wrong.Outcome, "wrong side");
                TestHarness.Equal(PipelineOutcome.Duplicate, again.Outcome, "reported once");
                TestHarness.True(rig.Executor.Executed.IsEmpty, "nothing executed");
                TestHarness.Equal(2, rig.Notices.Count, "one notice each");
                TestHarness.Equal(0, rig.Acked.Count, "nothing acknowledged");
            });
            await t.CheckAsync("pipeline: while orders cannot be sent, a signal waits unrecorded and runs once ready", async () =>
            {
                var rig = new PipelineRig(Path.Combine(workDir, "pipe-ready.json"));
                rig.Executor.NotReady = "history loading";
                var waiting = await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.Equal(PipelineOutcome.NotReady, waiting.Outcome, "not ready");
                TestHarness.True(!rig.Store.IsKnown("1-0"), "not recorded");
                rig.Executor.NotReady = null;
                var done = await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.Equal(PipelineOutcome.Executed, done.Outcome, "executed when ready");
            });
            await t.CheckAsync("pipeline: alerts-only, skipped and failed signals are recorded and never acknowledged", async () =>
            {
                var rig = new PipelineRig(Path.Combine(workDir, "pipe-kinds.json"));
                rig.Executor.Result = ExecutionKind.AlertOnly;
                await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                rig.Executor.Result = ExecutionKind.Skipped;
                await rig.Pipeline.ProcessAsync(Signal("2-0"), CancellationToken.None);
                rig.Executor.Result = ExecutionKind.Failed;
                await rig.Pipeline.ProcessAsync(Signal("3-0"), CancellationToken.None);
                TestHarness.Equal(SignalStates.Alerted, rig.Store.GetState("1-0"), "alerted");
                TestHarness.Equal(SignalStates.Skipped, rig.Store.GetState("2-0"), "skipped");
                TestHarness.Equal(SignalStates.Failed, rig.Store.GetState("3-0"), "failed");
                TestHarness.Equal(0, rig.Acked.Count, "no acknowledgement");
            });
            await t.CheckAsync("pipeline: an acknowledgement the gateway could not take is retried later, also after a restart", async () =>
            {
                var path = Path.Combine(workDir, "pipe-ack.json");
                var rig = new PipelineRig(path) { FailAcks = 2 };
                var r = await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.True(r.Outcome == PipelineOutcome.Executed && !r.Ack.Ok, "executed, ack failed");
                TestHarness.Equal(SignalStates.Executed, rig.Store.GetState("1-0"), "owed");
                var restarted = new PipelineRig(path);
                restarted.Clock.Advance(TimeSpan.FromMinutes(5));
                await restarted.Pipeline.RetryPendingAcksAsync(CancellationToken.None);
                TestHarness.Equal("1-0", string.Join(",", restarted.Acked), "acknowledged after the restart");
                TestHarness.Equal(SignalStates.Acked, restarted.Store.GetState("1-0"), "state");
                TestHarness.True(restarted.Executor.Executed.IsEmpty, "not executed again");
            });
            await t.CheckAsync("pipeline: a refused acknowledgement (4xx) is recorded and shown, not retried forever", async () =>
            {
                var rig = new PipelineRig(Path.Combine(workDir, "pipe-ack-refused.json")) { RefuseAcks = true };
                await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.Equal(SignalStates.AckFailed, rig.Store.GetState("1-0"), "state");
                TestHarness.Equal(0, rig.Pipeline.PendingAcks, "nothing owed");
                TestHarness.True(rig.Notices.Any(n => n.Contains("refused the acknowledgement")), "shown");
            });
            await t.CheckAsync("pipeline: when the dedupe file cannot be written, nothing is traded", async () =>
            {
                var dir = Path.Combine(workDir, "pipe-gone");
                var rig = new PipelineRig(Path.Combine(dir, "store.json"));
                Directory.Delete(dir, true);
                File.WriteAllText(dir, "blocks the directory");
                var r = await rig.Pipeline.ProcessAsync(Signal("1-0"), CancellationToken.None);
                TestHarness.Equal(PipelineOutcome.StoreError, r.Outcome, "outcome");
                TestHarness.True(rig.Executor.Executed.IsEmpty, "not executed");
                TestHarness.True(rig.Notices.Any(n => n.Contains("NOT traded")), "shown");
            });
        }
    }
}
