// A behaving double of ATAS.Strategies.Chart.ChartStrategy for the scenario tests: the public
// and protected surface of ci/AtasStub/ChartStrategy.cs, backed by AtasSim.SimPlatform. The
// order methods are instructions: the platform answers later, on its trading thread. Test-only.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using ATAS.Indicators;
using AtasSim;
using Utils.Common.Logging;

namespace ATAS.Strategies.Chart
{
    public abstract class ChartStrategy
    {
        internal SimPlatform Platform;

        protected ChartStrategy(bool useCandles = false) { }

        protected abstract void OnCalculate(int bar, decimal value);

        protected virtual void OnInitialize() { }
        protected virtual void OnStarted() { }
        protected virtual void OnSuspended() { }
        protected virtual void OnStopping() { }
        protected virtual void OnStopped() { }
        protected virtual void OnDispose() { }
        protected virtual void OnRecalculate() { }
        protected virtual void OnCurrentPositionChanged() { }

        protected virtual bool CanProcess(int bar) { return Platform.Started && bar == Platform.LastBar; }

        public Task OpenOrderAsync(Order order) { return Platform.Register(order); }
        public Task ModifyOrderAsync(Order order, Order newOrder) { return Platform.Refuse("ModifyOrderAsync is not simulated"); }
        public Task CancelOrderAsync(Order order) { return Platform.Cancel(order); }

        [Obsolete("Fire and forget, errors only logged: await OpenOrderAsync.")]
        public void OpenOrder(Order order) { OpenOrderAsync(order); }
        [Obsolete("Fire and forget, errors only logged: await ModifyOrderAsync.")]
        public void ModifyOrder(Order order, Order newOrder) { }
        [Obsolete("Fire and forget, errors only logged: await CancelOrderAsync.")]
        public void CancelOrder(Order order) { CancelOrderAsync(order); }

        protected decimal ShrinkPrice(decimal price) { return Platform.Shrink(price); }

        public decimal CurrentPosition { get { return Platform.StrategyPosition; } }
        public decimal AveragePrice { get { return Platform.StrategyAveragePrice; } }
        public decimal OpenPnL { get { return 0m; } }
        public decimal ClosedPnL { get { return 0m; } }
        public Security Security { get { return Platform.Security; } }
        public Portfolio Portfolio { get { return Platform.Portfolio; } }
        public IEnumerable<Order> Orders { get { return Platform.AllOrders(); } }
        public IEnumerable<MyTrade> MyTrades { get { return new MyTrade[0]; } }
        public InstrumentInfo InstrumentInfo { get { return new InstrumentInfo { TickSize = Platform.Security.TickSize, Instrument = Platform.Security.Code }; } }
        public ITradingManager TradingManager { get { return Platform.TradingManager; } }

        public LoggingLevel LoggingLevel { get; set; }

        public void StopWithNotification(string message) { Platform.StopWithNotification(message); }
        protected void RaiseShowNotification(string message, string title = null, LoggingLevel level = LoggingLevel.Info) { Platform.Notify(message, level); }

        protected void SubscribeToTimer(TimeSpan period, Action callback) { }
        protected void UnsubscribeFromTimer(TimeSpan period, Action callback) { }
        protected void DoActionInGuiThread(Action action) { action(); }
        protected void AddAlert(string soundFile, string message) { Platform.Alert(message); }

        protected virtual void OnNewOrder(Order order) { }
        protected virtual void OnOrderChanged(Order order) { }
        protected virtual void OnNewMyTrade(MyTrade myTrade) { }
        protected virtual void OnOrderRegisterFailed(Order order, string message) { }
        protected virtual void OnOrderCancelFailed(Order order, string message) { }
        protected virtual void OnOrderModifyFailed(Order order, Order newOrder, string message) { }
        protected virtual void OnPositionChanged(Position position) { }
        protected virtual void OnPortfolioChanged(Portfolio portfolio) { }

        // The platform's entry points into the protected surface, as ATAS calls them.
        internal void SimStarted() { OnStarted(); }
        internal void SimStopping() { OnStopping(); }
        internal void SimStopped() { OnStopped(); }
        internal void SimCalculate(int bar) { OnCalculate(bar, 0m); }
        internal void SimNewOrder(Order o) { OnNewOrder(o); }
        internal void SimOrderChanged(Order o) { OnOrderChanged(o); }
        internal void SimNewMyTrade(MyTrade t) { OnNewMyTrade(t); }
        internal void SimRegisterFailed(Order o, string m) { OnOrderRegisterFailed(o, m); }
        internal void SimPositionChanged(Position p) { OnPositionChanged(p); OnCurrentPositionChanged(); }
    }
}
