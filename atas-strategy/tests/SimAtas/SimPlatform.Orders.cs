using System;
using System.Linq;
using System.Threading.Tasks;
using ATAS.DataFeedsCore;

namespace AtasSim
{
    public sealed partial class SimPlatform
    {
        private decimal _bid, _ask;

        /// <summary>Moves the market (on the trading thread): quotes, then stops and limits that it reaches.</summary>
        public void SetPrice(decimal bid, decimal ask)
        {
            _trading.After(TimeSpan.Zero, () =>
            {
                lock (_lock)
                {
                    _bid = bid;
                    _ask = ask;
                    Security.BestBidPrice = bid;
                    Security.BestAskPrice = ask;
                    Security.LastTradePrice = (bid + ask) / 2;
                }
                foreach (var order in AllOrders().Where(o => o.State == OrderStates.Active && o.Type != OrderTypes.Market)) TryFillResting(order);
            });
        }

        /// <summary>OpenOrderAsync: an instruction. The answer comes later on the trading thread.</summary>
        internal Task Register(Order order)
        {
            Sent.Enqueue(new SentOrder { Order = order, At = DateTime.UtcNow, FromCallback = _trading.IsCurrent });
            Timeline.Enqueue(Stamp("sent " + Describe(order)));
            var refusal = RefuseSend == null ? null : RefuseSend(order);
            if (refusal != null) return Refuse(refusal);
            lock (_lock) _orders.Add(order);
            order.Unfilled = order.QuantityToFill;
            // Never sent while the strategy is not started: the order stays None.
            if (!Started || !SendsOrders) return Task.FromResult(0);
            _trading.After(Latency, () => Accept(order));
            return Task.FromResult(0);
        }

        internal Task Cancel(Order order)
        {
            Cancels.Enqueue(new CancelRequest { Order = order, At = DateTime.UtcNow, PositionAtRequest = AccountPosition });
            Timeline.Enqueue(Stamp("cancel " + Describe(order)));
            _trading.After(Latency, () => CancelNow(order));
            return Task.FromResult(0);
        }

        private void Accept(Order order)
        {
            var rejection = Reject == null ? null : Reject(order);
            if (rejection != null)
            {
                order.State = OrderStates.Failed;
                Timeline.Enqueue(Stamp("rejected " + Describe(order)));
                Callback("OnOrderRegisterFailed", () => _strategy.SimRegisterFailed(order, rejection));
                return;
            }
            order.State = OrderStates.Active;
            Callback("OnNewOrder", () => _strategy.SimNewOrder(order));
            Callback("OnOrderChanged", () => _strategy.SimOrderChanged(order));
            if (order.Type == OrderTypes.Market) FillMarket(order);
            else TryFillResting(order);
        }

        private void FillMarket(Order order)
        {
            if (order.State != OrderStates.Active) return;
            if (HoldFill != null && HoldFill(order))
            {
                _trading.After(Latency, () => FillMarket(order));
                return;
            }
            var parts = Math.Max(1, PartialFills);
            var part = Math.Max(Security.LotSize, Math.Floor(order.QuantityToFill / parts / Security.LotSize) * Security.LotSize);
            var qty = Math.Min(part, order.Unfilled);
            decimal price;
            lock (_lock) price = order.Direction == OrderDirections.Buy ? _ask : _bid;
            if (!Fill(order, qty, price)) return;
            if (order.Unfilled > 0) _trading.After(Latency, () => FillMarket(order));
        }

        private void TryFillResting(Order order)
        {
            if (order.State != OrderStates.Active || (HoldFill != null && HoldFill(order))) return;
            decimal bid, ask;
            lock (_lock) { bid = _bid; ask = _ask; }
            var buy = order.Direction == OrderDirections.Buy;
            if (order.Type == OrderTypes.Stop && (buy ? ask >= order.TriggerPrice : bid <= order.TriggerPrice))
                Fill(order, order.Unfilled, buy ? Math.Max(ask, order.TriggerPrice) : Math.Min(bid, order.TriggerPrice));
            else if (order.Type == OrderTypes.Limit && (buy ? ask <= order.Price : bid >= order.Price))
                Fill(order, order.Unfilled, order.Price);
        }

        /// <summary>One fill. False when a reduce-only order would have grown or reversed the position (rejected instead).</summary>
        private bool Fill(Order order, decimal qty, decimal price)
        {
            var signed = order.Direction == OrderDirections.Buy ? qty : -qty;
            var reduceOnly = order.ExtendedOptions as SimReduceOnly;
            lock (_lock)
            {
                if (reduceOnly != null && reduceOnly.ReduceOnly && (_position == 0 || Math.Sign(signed) == Math.Sign(_position) || Math.Abs(signed) > Math.Abs(_position)))
                {
                    order.State = OrderStates.Failed;
                    Timeline.Enqueue(Stamp("reduce-only rejected " + Describe(order)));
                }
            }
            if (order.State == OrderStates.Failed)
            {
                Callback("OnOrderRegisterFailed", () => _strategy.SimRegisterFailed(order, "reduce-only order would increase the position"));
                return false;
            }
            order.Unfilled -= qty;
            order.State = order.Unfilled > 0 ? OrderStates.Active : OrderStates.Done;
            Timeline.Enqueue(Stamp("filled " + qty + " @ " + price + " of " + Describe(order)));
            Action position = () =>
            {
                lock (_lock)
                {
                    var next = _position + signed;
                    if (next == 0) _averagePrice = 0m;
                    else if (Math.Sign(next) != Math.Sign(_position)) _averagePrice = price;
                    else if (Math.Abs(next) > Math.Abs(_position)) _averagePrice = (_averagePrice * Math.Abs(_position) + price * qty) / Math.Abs(next);
                    _position = next;
                }
                Callback("OnNewMyTrade", () => _strategy.SimNewMyTrade(new MyTrade()));
                Callback("OnPositionChanged", () => _strategy.SimPositionChanged(new Position()));
            };
            Action changed = () => Callback("OnOrderChanged", () => _strategy.SimOrderChanged(order));
            if (FillBeforeOrderChanged) { position(); _trading.After(Latency, changed); }
            else { changed(); _trading.After(Latency, position); }
            if (order.State == OrderStates.Done)
            {
                // OCO: the fill cancels the sibling; AutoCancel: a flat position cancels the rest.
                _trading.After(Latency, () =>
                {
                    if (!string.IsNullOrEmpty(order.OCOGroup))
                        foreach (var sibling in AllOrders().Where(o => o != order && o.OCOGroup == order.OCOGroup)) CancelNow(sibling);
                    if (AccountPosition == 0)
                        foreach (var other in AllOrders().Where(o => o.AutoCancel)) CancelNow(other);
                });
            }
            return true;
        }

        private void CancelNow(Order order)
        {
            if (order.State == OrderStates.Done || order.State == OrderStates.Failed) return;
            order.State = OrderStates.Done;
            order.Canceled = true;
            Timeline.Enqueue(Stamp("cancelled " + Describe(order)));
            Callback("OnOrderChanged", () => _strategy.SimOrderChanged(order));
        }

        private static string Describe(Order o)
        {
            return o.Direction + " " + o.Type + " " + o.QuantityToFill + (o.Type == OrderTypes.Stop ? " @stop " + o.TriggerPrice : o.Type == OrderTypes.Limit ? " @" + o.Price : "")
                   + (string.IsNullOrEmpty(o.OCOGroup) ? "" : " oco " + o.OCOGroup) + " '" + o.Comment + "'";
        }
    }
}
