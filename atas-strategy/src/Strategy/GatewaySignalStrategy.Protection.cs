using System;
using AtasSignalStrategy.Core;

namespace AtasSignalStrategy
{
    /// <summary>
    /// Where the stop and the take-profit live. Without server-side stop orders or OCO, ATAS
    /// emulates them on this PC: they protect the position only while ATAS runs and is connected.
    /// </summary>
    public partial class GatewaySignalStrategy
    {
        private string ProtectionKind()
        {
            bool? stops, oco;
            ReadConnectorFeatures(out stops, out oco);
            if (stops == true && oco == true) return "held by the broker/exchange";
            if (stops == null || oco == null) return "the connector does not say whether stops are held by the broker or emulated by ATAS";
            return "EMULATED by ATAS on this PC" + (stops == false ? " (no server-side stop orders)" : " (no server-side OCO)");
        }

        /// <summary>Tells the trader at start when protection exists only while ATAS runs.</summary>
        private void ReportProtection()
        {
            bool? stops, oco;
            ReadConnectorFeatures(out stops, out oco);
            if (stops == true && oco == true) return;
            NotifyTrader(NoticeLevel.Warning, "protection", "Protection: " + ProtectionKind()
                + ". The stop and take-profit then exist only while ATAS runs and stays connected: keep ATAS running while a position is open"
                + (oco == false ? ", and if ATAS closes, cancel the leftover order of the pair by hand." : "."));
        }

        private void ReadConnectorFeatures(out bool? stops, out bool? oco)
        {
            stops = null;
            oco = null;
            try
            {
                var portfolio = Portfolio;
                var connector = portfolio == null ? null : portfolio.Connector;
                if (connector == null) return;
                stops = connector.IsSupportedStopOrders;
                oco = connector.IsSupportedServerOCO;
            }
            catch (Exception)
            {
                // Unknown features: reported as unknown.
            }
        }
    }
}
