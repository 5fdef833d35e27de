using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using ATAS.Strategies.Chart;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>
    /// Executes the signal gateway's signals on the chart's instrument: a market entry sized from
    /// a risk budget, then a stop and a take-profit as one OCO pair. Every safety rule (instrument,
    /// age, duplicates, one position) lives in <see cref="SignalPipeline"/> and friends; this
    /// class is the ATAS side: settings, lifecycle, orders.
    /// </summary>
    [DisplayName("Gateway Signal Executor")]
    [Description("Trades the signals of the signal gateway (REST poll or SSE push) with risk-based size, stop and take-profit.")]
    public partial class GatewaySignalStrategy : ChartStrategy
    {
        private const string ConnectionGroup = "Connection";
        private const string TradingGroup = "Trading";

        private readonly StrategySettings _settings = new StrategySettings();
        private StrategyTimeouts _timeouts = new StrategyTimeouts();

        public GatewaySignalStrategy()
            : base(true)
        {
        }

        [Category(ConnectionGroup)]
        [Display(Name = "API URL", GroupName = ConnectionGroup, Order = 10,
            Description = "Address of the signal gateway, e.g. http://localhost:8888 (a pasted endpoint URL works too).")]
        public string ApiUrl
        {
            get { return _settings.ApiUrl; }
            set { _settings.ApiUrl = value; }
        }

        [Category(ConnectionGroup)]
        [Display(Name = "API key", GroupName = ConnectionGroup, Order = 20,
            Description = "Sent as the X-API-Key header. Leave empty when the gateway has no API_KEY.")]
        [PasswordPropertyText(true)]
        public string ApiKey
        {
            get { return _settings.ApiKey; }
            set { _settings.ApiKey = value; }
        }

        [Category(ConnectionGroup)]
        [Display(Name = "Push mode (SSE)", GroupName = ConnectionGroup, Order = 30,
            Description = "Receive signals over the gateway's event stream; polling takes over while the stream is down.")]
        public bool PushMode
        {
            get { return _settings.PushMode; }
            set { _settings.PushMode = value; }
        }

        [Category(ConnectionGroup)]
        [Display(Name = "Poll interval (ms)", GroupName = ConnectionGroup, Order = 40,
            Description = "How often to poll for signals (and close requests). At least 250.")]
        public int PollIntervalMs
        {
            get { return _settings.PollIntervalMs; }
            set { _settings.PollIntervalMs = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Auto trade", GroupName = TradingGroup, Order = 10,
            Description = "Off: alerts only, no order is ever sent. On: signals are traded.")]
        public bool AutoTrade
        {
            get { return _settings.AutoTrade; }
            set { _settings.AutoTrade = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Risk % per trade", GroupName = TradingGroup, Order = 20,
            Description = "Share of the account balance lost if the stop is hit. Above 0, at most 10.")]
        public decimal RiskPercent
        {
            get { return _settings.RiskPercent; }
            set { _settings.RiskPercent = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Max signal age (s)", GroupName = TradingGroup, Order = 30,
            Description = "Signals older than this are ignored.")]
        public int MaxSignalAgeSeconds
        {
            get { return _settings.MaxSignalAgeSeconds; }
            set { _settings.MaxSignalAgeSeconds = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Symbol mapping", GroupName = TradingGroup, Order = 40,
            Description = "SIGNAL=CHART pairs, e.g. BTCUSDT=BTCUSDT@BinanceFutures; empty: the signal symbol must equal the chart's code.")]
        public string SymbolMapping
        {
            get { return _settings.SymbolMapping; }
            set { _settings.SymbolMapping = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Use close requests", GroupName = TradingGroup, Order = 50,
            Description = "Close the position when the gateway asks (opposite signal, max hold time, manual close).")]
        public bool UseCloseRequests
        {
            get { return _settings.UseCloseRequests; }
            set { _settings.UseCloseRequests = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Max quantity (0 = none)", GroupName = TradingGroup, Order = 60,
            Description = "Upper bound on one trade's quantity, on top of the instrument's own maximum.")]
        public decimal MaxQuantity
        {
            get { return _settings.MaxQuantity; }
            set { _settings.MaxQuantity = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Max entry drift (stop distances)", GroupName = TradingGroup, Order = 70,
            Description = "Skip a signal when the live price is further than this from its entry_price, in multiples of its stop distance. Above 0, at most 5.")]
        public decimal MaxEntryDriftStopDistances
        {
            get { return _settings.MaxEntryDriftStopDistances; }
            set { _settings.MaxEntryDriftStopDistances = value; }
        }

        [Category(TradingGroup)]
        [Display(Name = "Trade simulated signals", GroupName = TradingGroup, Order = 80,
            Description = "Off: only signals whose metadata.source is 'live' are executed. On: replay, backtest and demo signals (and those without a source) are executed too. Keep off on a real account.")]
        public bool TradeSimulatedSignals
        {
            get { return _settings.TradeSimulatedSignals; }
            set { _settings.TradeSimulatedSignals = value; }
        }

        /// <summary>The platform waits (not in the settings panel); read at start.</summary>
        [Browsable(false)]
        public StrategyTimeouts Timeouts
        {
            get { return _timeouts; }
            set { _timeouts = value ?? new StrategyTimeouts(); }
        }
    }
}
