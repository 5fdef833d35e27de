// Mirrors the ATAS.Indicators types listed in shared/ATAS-API.md. Compile-only.
using System.Threading.Tasks;
using ATAS.DataFeedsCore;

namespace ATAS.Indicators
{
    public interface ITradingManager
    {
        Position Position { get; }
        Task ClosePositionAsync(Position position, bool askConfirmation = true, bool checkOrderStates = true);
        Task CancelOrderAsync(Order order, bool askConfirmation = true, bool checkOrderStates = true);
        ISecurityTradingOptions GetSecurityTradingOptions();
    }

    public class InstrumentInfo
    {
        public decimal TickSize { get; set; }
        public string Instrument { get; set; }
    }

    public class IndicatorCandle { }
}
