using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using AtasSim;
using AtasSignalStrategy.Core;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// The real GatewaySignalStrategy on the simulated ATAS, polling the live gateway through a
    /// FaultProxy, on its own instrument (so scenarios never see each other's signals).
    /// </summary>
    public sealed class StrategyRig : IDisposable
    {
        public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

        public readonly string Symbol;
        public readonly SimPlatform Platform;
        public readonly FaultProxy Proxy;
        public GatewaySignalStrategy Strategy;
        private readonly Control _control;
        private readonly string _apiKey;

        public StrategyRig(string symbol, string gateway, string apiKey, Control control, bool serverOco = true)
        {
            Symbol = symbol;
            _control = control;
            _apiKey = apiKey;
            Proxy = new FaultProxy(gateway);
            Platform = new SimPlatform(symbol + "@Sim", serverOco: serverOco, serverStops: serverOco);
            Platform.SetPrice(99.5m, 100m);
            Strategy = NewStrategy();
        }

        public GatewaySignalStrategy NewStrategy()
        {
            var s = new GatewaySignalStrategy
            {
                ApiUrl = Proxy.Url,
                ApiKey = _apiKey,
                PushMode = false,
                PollIntervalMs = 250,
                AutoTrade = true,
                RiskPercent = 1m,
                Timeouts = new StrategyTimeouts
                {
                    EntryFill = TimeSpan.FromSeconds(4),
                    OrderAccepted = TimeSpan.FromSeconds(1.5),
                    PositionUpdate = TimeSpan.FromSeconds(1),
                    FlatConfirm = TimeSpan.FromSeconds(3),
                    OnStoppingBudget = TimeSpan.FromSeconds(1.5),
                },
            };
            Platform.Attach(s);
            return s;
        }

        /// <summary>Publishes one signal on the gateway (through the test driver), BUY by default.</summary>
        public async Task<SignalDto> PublishAsync(decimal entry, decimal stop, decimal target, string direction = "BUY", string source = "live",
                                                  string timeframe = "1m")
        {
            var spec = new JObject
            {
                { "symbol", Symbol }, { "direction", direction }, { "timeframe", timeframe },
                { "entry_price", entry }, { "stop_loss", stop }, { "take_profit", target },
                { "source", source == null ? JValue.CreateNull() : new JValue(source) },
            };
            var reply = await _control.RequestAsync(new JObject { { "op", "publish" }, { "signals", new JArray(spec) } }, Wait).ConfigureAwait(false);
            return ((JArray)reply["signals"])[0].ToObject<SignalDto>(Json.Serializer);
        }

        public Task PublishCloseAsync(SignalDto signal, string reason)
        {
            return _control.RequestAsync(new JObject
            {
                { "op", "publish_close" }, { "signal_id", signal.Id }, { "signal_timestamp", signal.Timestamp },
                { "symbol", signal.Symbol }, { "direction", signal.Direction }, { "reason", reason },
            }, Wait);
        }

        public List<Order> SentOrders() { return Platform.Sent.Select(s => s.Order).ToList(); }
        public List<Order> SentFor(SignalDto signal, string role) { return SentOrders().Where(o => o.Comment == "gws " + signal.Id + " " + role).ToList(); }
        public List<Order> Closes() { return SentOrders().Where(o => o.Comment == "gws close").ToList(); }
        public bool Noticed(string fragment) { return Platform.Notifications.Any(n => n.Contains(fragment)); }

        public Task WaitFor(Func<bool> condition, string what)
        {
            return TestHarness.WaitFor(condition, Wait, what + "\n  timeline:\n  " + string.Join("\n  ", Platform.Timeline) + "\n  notices:\n  " + string.Join("\n  ", Platform.Notifications));
        }

        /// <summary>Waits until the strategy has polled the gateway <paramref name="polls"/> more times: it has seen what was published.</summary>
        public Task PollsAsync(int polls = 3)
        {
            var target = Proxy.SignalPolls + polls;
            return WaitFor(() => Proxy.SignalPolls >= target, polls + " polls");
        }

        /// <summary>Waits until the strategy has asked for close requests <paramref name="polls"/> more times.</summary>
        public Task ClosePollsAsync(int polls = 2)
        {
            var target = Proxy.ClosePolls + polls;
            return WaitFor(() => Proxy.ClosePolls >= target, polls + " close-request polls");
        }

        /// <summary>What every scenario ends with: no callback threw into ATAS or blocked it, no order was sent from inside one.</summary>
        public void AssertCleanCallbacks()
        {
            var problems = Platform.CallbackProblems.ToList();
            problems.AddRange(Platform.Notifications.Where(n => n.Contains("failed inside the strategy")));
            problems.AddRange(Platform.Sent.Where(s => s.FromCallback).Select(s => "order '" + s.Order.Comment + "' was sent from inside a trading callback"));
            TestHarness.True(problems.Count == 0, "callback problems:\n  " + string.Join("\n  ", problems));
        }

        public void Dispose()
        {
            if (Platform.Started) Platform.Stop();
            Platform.Dispose();
            Proxy.Dispose();
        }
    }
}
