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

        public Task OpenOrderAsync(Order order) { return Task.FromResult(0); }
        public Task ModifyOrderAsync(Order order, Order newOrder) { return Task.FromResult(0); }
        public Task CancelOrderAsync(Order order) { return Task.FromResult(0); }

        [Obsolete("Fire and forget, errors only logged: await OpenOrderAsync.")]
        public void OpenOrder(Order order) { }
        [Obsolete("Fire and forget, errors only logged: await ModifyOrderAsync.")]
        public void ModifyOrder(Order order, Order newOrder) { }
        [Obsolete("Fire and forget, errors only logged: await CancelOrderAsync.")]
        public void CancelOrder(Order order) { }

        protected decimal ShrinkPrice(decimal price) { return price; }

        public decimal CurrentPosition { get { return 0m; } }
        public decimal AveragePrice { get { return 0m; } }
        public decimal OpenPnL { get { return 0m; } }
        public decimal ClosedPnL { get { return 0m; } }
        public Security Security { get { return null; } }
        public Portfolio Portfolio { get { return null; } }
        public IEnumerable<Order> Orders { get { return new Order[0]; } }
        public IEnumerable<MyTrade> MyTrades { get { return new MyTrade[0]; } }
        public InstrumentInfo InstrumentInfo { get { return null; } }
        public ITradingManager TradingManager { get { return null; } }

        // The property ATAS strategies inherit as ILoggerSource (issue #10): its name hides the
        // enum's inside a strategy unless the type is named in full, as the strategy does.
        public LoggingLevel LoggingLevel { get; set; }

        public void StopWithNotification(string message) { }
        protected void RaiseShowNotification(string message, string title = null, LoggingLevel level = LoggingLevel.Info) { }

        protected void SubscribeToTimer(TimeSpan period, Action callback) { }
        protected void UnsubscribeFromTimer(TimeSpan period, Action callback) { }
        protected void DoActionInGuiThread(Action action) { }

        // The CrossColor overloads of AddAlert are left out: CrossColor is WPF's or System.Drawing's
        // Color, neither of which Mono's CI packages carry, and the strategy does not use them.
        protected void AddAlert(string soundFile, string message) { }

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
