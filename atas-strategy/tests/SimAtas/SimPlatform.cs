using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using ATAS.Indicators;
using ATAS.Strategies.Chart;
using Utils.Common.Logging;

namespace AtasSim
{
    /// <summary>
    /// A simulated ATAS for one chart strategy, as shared/ATAS-API.md describes the platform:
    /// lifecycle calls, the live-bar rule, order methods that are instructions answered later on a
    /// trading-connection thread, fills from a price path, OCO and AutoCancel, partial fills,
    /// rejections, reduce-only, and a position the strategy forgets when it stops. It records what
    /// a trader would look at, and every exception or slow return from a strategy callback.
    /// Test-only.
    /// </summary>
    public sealed partial class SimPlatform : IDisposable
    {
        private readonly object _lock = new object();
        private readonly TradingThread _trading = new TradingThread();
        private readonly List<Order> _orders = new List<Order>();
        private readonly SimConnector _connector;
        private ChartStrategy _strategy;
        private decimal _position;
        private decimal _averagePrice;
        private bool _strategyView;

        public SimPlatform(string securityId, decimal tickSize = 0.5m, decimal lotSize = 0.01m, decimal balance = 10000m,
                           bool serverOco = true, bool serverStops = true)
        {
            var code = securityId.Split('@')[0];
            Security = new Security
            {
                SecurityId = securityId, Code = code, Exchange = "Sim", TickSize = tickSize, TickCost = 0m, LotSize = lotSize,
                LotMinSize = null, LotMaxSize = null,
            };
            _connector = new SimConnector { IsSupportedServerOCO = serverOco, IsSupportedStopOrders = serverStops };
            Portfolio = new Portfolio { Balance = balance, Connector = _connector };
            TradingManager = new SimTradingManager(this);
            Latency = TimeSpan.FromMilliseconds(40);
            LastBar = 20;
            SupportsReduceOnly = true;
            PartialFills = 1;
        }

        public Security Security { get; private set; }
        public Portfolio Portfolio { get; private set; }
        internal ITradingManager TradingManager { get; private set; }

        /// <summary>Delay of every answer from the trading connection. Default 40 ms.</summary>
        public TimeSpan Latency { get; set; }
        public int LastBar { get; private set; }
        public bool SupportsReduceOnly { get; set; }
        /// <summary>A market order fills in this many parts, one Latency apart. Default 1.</summary>
        public int PartialFills { get; set; }
        /// <summary>Report the position and the trade before the order's OnOrderChanged (connectors differ). Default false.</summary>
        public bool FillBeforeOrderChanged { get; set; }
        /// <summary>Rejected at the exchange (State Failed, OnOrderRegisterFailed) when this returns a message.</summary>
        public Func<Order, string> Reject { get; set; }
        /// <summary>OpenOrderAsync itself throws (the platform refuses the instruction) when this returns a message.</summary>
        public Func<Order, string> RefuseSend { get; set; }
        /// <summary>Accepted but not filled while this returns true (a market that does not trade).</summary>
        public Func<Order, bool> HoldFill { get; set; }

        /// <summary>ATAS's "started" flag for the strategy: orders sent while false are never sent (stay None).</summary>
        public bool Started { get; private set; }
        public bool SendsOrders { get; set; }

        public readonly ConcurrentQueue<string> Notifications = new ConcurrentQueue<string>();
        public readonly ConcurrentQueue<string> Alerts = new ConcurrentQueue<string>();
        public readonly ConcurrentQueue<string> CallbackProblems = new ConcurrentQueue<string>();
        public readonly ConcurrentQueue<SentOrder> Sent = new ConcurrentQueue<SentOrder>();
        public readonly ConcurrentQueue<CancelRequest> Cancels = new ConcurrentQueue<CancelRequest>();
        public readonly ConcurrentQueue<string> Timeline = new ConcurrentQueue<string>();

        /// <summary>The account's position (what the broker holds), whatever the strategy remembers.</summary>
        public decimal AccountPosition { get { lock (_lock) return _position; } }
        internal decimal StrategyPosition { get { lock (_lock) return _strategyView ? _position : 0m; } }
        internal decimal StrategyAveragePrice { get { lock (_lock) return _strategyView ? _averagePrice : 0m; } }

        public List<Order> AllOrders() { lock (_lock) return _orders.ToList(); }
        public List<Order> Working() { lock (_lock) return _orders.Where(o => o.State == OrderStates.Active).ToList(); }

        public void Attach(ChartStrategy strategy)
        {
            _strategy = strategy;
            strategy.Platform = this;
        }

        /// <summary>As ATAS starts a strategy: OnStarted, then history bars (not live), then the live bar.</summary>
        public void Start()
        {
            lock (_lock) _strategyView = true;
            Started = true;
            SendsOrders = true;
            Callback("OnStarted", () => _strategy.SimStarted());
            if (!Started) return;
            for (var bar = 0; bar <= LastBar; bar++)
            {
                var b = bar;
                Callback("OnCalculate", () => _strategy.SimCalculate(b));
            }
        }

        /// <summary>As ATAS stops a strategy: OnStopping, then the strategy's position is forgotten, OnStopped. Returns OnStopping's duration.</summary>
        public TimeSpan Stop()
        {
            var watch = Stopwatch.StartNew();
            Callback("OnStopping", () => _strategy.SimStopping(), TimeSpan.FromSeconds(60));
            var took = watch.Elapsed;
            Started = false;
            lock (_lock) _strategyView = false;
            Callback("OnStopped", () => _strategy.SimStopped());
            return took;
        }

        internal void StopWithNotification(string message)
        {
            Notifications.Enqueue(message);
            if (Started) Task.Run(() => Stop());
        }

        internal void Notify(string message, LoggingLevel level)
        {
            Notifications.Enqueue(message);
            Timeline.Enqueue(Stamp("notice: " + message));
        }

        internal void Alert(string message) { Alerts.Enqueue(message); }

        internal decimal Shrink(decimal price)
        {
            var tick = Security.TickSize;
            return tick > 0 ? Math.Round(price / tick, MidpointRounding.AwayFromZero) * tick : price;
        }

        internal Task Refuse(string message)
        {
            var tcs = new TaskCompletionSource<int>();
            tcs.SetException(new InvalidOperationException(message));
            return tcs.Task;
        }

        /// <summary>
        /// Runs one strategy callback as ATAS would, recording anything that escapes it and any
        /// callback that holds the platform's thread longer than <paramref name="budget"/> (1 s).
        /// </summary>
        private void Callback(string name, Action body, TimeSpan? budget = null)
        {
            var watch = Stopwatch.StartNew();
            try
            {
                body();
            }
            catch (Exception ex)
            {
                CallbackProblems.Enqueue(name + " threw into the platform: " + ex);
            }
            if (watch.Elapsed > (budget ?? TimeSpan.FromSeconds(1)))
                CallbackProblems.Enqueue(name + " blocked the platform for " + watch.ElapsedMilliseconds + " ms");
        }

        private static string Stamp(string what)
        {
            return DateTime.UtcNow.ToString("HH:mm:ss.fff") + " " + what;
        }

        public void Dispose()
        {
            _trading.Dispose();
        }
    }
}
