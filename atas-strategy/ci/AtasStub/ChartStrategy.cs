// Mirrors ATAS.Strategies.Chart.ChartStrategy as listed in shared/ATAS-API.md. Compile-only.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;
using ATAS.Indicators;
using Utils.Common.Logging;

namespace ATAS.Strategies.Chart
{
    public abstract class ChartStrategy
    {
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

        protected virtual bool CanProcess(int bar) { return false; }

        protected Task OpenOrderAsync(Order order) { return Task.FromResult(0); }
        protected Task ModifyOrderAsync(Order order, Order newOrder) { return Task.FromResult(0); }
        protected Task CancelOrderAsync(Order order) { return Task.FromResult(0); }

        protected decimal ShrinkPrice(decimal price) { return price; }

        public decimal CurrentPosition { get { return 0m; } }
        public decimal AveragePrice { get { return 0m; } }
        public decimal OpenPnL { get { return 0m; } }
        public decimal ClosedPnL { get { return 0m; } }
        public Security Security { get { return null; } }
        public Portfolio Portfolio { get { return null; } }
        public IEnumerable<Order> Orders { get { return new Order[0]; } }
        public IEnumerable<MyTrade> MyTrades { get { return new MyTrade[0]; } }

        public ITradingManager TradingManager { get { return null; } }

        protected void StopWithNotification(string message) { }
        protected void RaiseShowNotification(string message, string title = null, LoggingLevel level = LoggingLevel.Info) { }
        protected void AddAlert(string soundFile, string message) { }
        protected void DoActionInGuiThread(Action action) { }

        protected virtual void OnNewOrder(Order order) { }
        protected virtual void OnOrderChanged(Order order) { }
        protected virtual void OnNewMyTrade(MyTrade myTrade) { }
        protected virtual void OnOrderRegisterFailed(Order order, string message) { }
        protected virtual void OnOrderCancelFailed(Order order, string message) { }
        protected virtual void OnOrderModifyFailed(Order order, Order newOrder, string message) { }
        protected virtual void OnPositionChanged(Position position) { }
        protected virtual void OnPortfolioChanged(Portfolio portfolio) { }
    }
}
