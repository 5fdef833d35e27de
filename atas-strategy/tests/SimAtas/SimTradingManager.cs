using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using ATAS.Indicators;

namespace AtasSim
{
    /// <summary>The strategy's TradingManager: reduce-only market flags where the simulated connector has them.</summary>
    internal sealed class SimTradingManager : ITradingManager, ISecurityTradingOptions
    {
        private readonly SimPlatform _p;

        public SimTradingManager(SimPlatform platform) { _p = platform; }

        public Position Position { get { return new Position(); } }
        public Task ClosePositionAsync(Position position, bool askConfirmation = true, bool checkOrderStates = true) { return _p.Refuse("not simulated"); }
        public Task CancelOrderAsync(Order order, bool askConfirmation = true, bool checkOrderStates = true) { return _p.Cancel(order); }
        public ISecurityTradingOptions GetSecurityTradingOptions() { return this; }
        public OrderExtendedOptions CreateMarketOrderFlagsObject() { return _p.SupportsReduceOnly ? new SimReduceOnly() : null; }
    }

    internal sealed class SimConnector : IDataFeedConnector
    {
        public bool IsSupportedServerOCO { get; set; }
        public bool IsSupportedStopOrders { get; set; }
    }
}
