using System.Collections.Generic;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// One signal, field for field the JSON of the integration guide, plus <c>id</c> (the
    /// gateway's stream entry id, e.g. "1732185045123-0").
    /// </summary>
    public sealed class SignalDto
    {
        [JsonProperty("id")] public string Id { get; set; }
        [JsonProperty("timestamp")] public string Timestamp { get; set; }
        [JsonProperty("symbol")] public string Symbol { get; set; }
        [JsonProperty("direction")] public string Direction { get; set; }
        [JsonProperty("entry_price")] public decimal EntryPrice { get; set; }
        [JsonProperty("stop_loss")] public decimal StopLoss { get; set; }
        [JsonProperty("take_profit")] public decimal TakeProfit { get; set; }
        [JsonProperty("leverage")] public int Leverage { get; set; }
        [JsonProperty("signal_strength")] public decimal SignalStrength { get; set; }
        [JsonProperty("timeframe")] public string Timeframe { get; set; }
        [JsonProperty("strategy_name")] public string StrategyName { get; set; }
        [JsonProperty("metadata")] public SignalMetadata Metadata { get; set; }

        public bool IsBuy { get { return Direction == "BUY"; } }

        /// <summary>
        /// The key a signal is deduplicated by: its id, or, from a gateway that sends no id (the
        /// guide's original server), its timestamp and symbol.
        /// </summary>
        [JsonIgnore]
        public string DedupeKey
        {
            get { return string.IsNullOrEmpty(Id) ? "ts:" + Timestamp + ":" + Symbol : Id; }
        }

        public override string ToString()
        {
            return string.Format("{0} {1} {2} @ {3} (SL {4}, TP {5})", Id ?? Timestamp, Direction, Symbol, EntryPrice, StopLoss, TakeProfit);
        }
    }

    /// <summary>
    /// The guide's three metadata fields and <see cref="Source"/>; anything else the gateway adds
    /// is kept in <see cref="Extra"/>.
    /// </summary>
    public sealed class SignalMetadata
    {
        /// <summary>Who produced the signal: live, replay, backtest or demo (see <see cref="SignalSource"/>).</summary>
        [JsonProperty("source")] public string Source { get; set; }
        [JsonProperty("consensus_confidence")] public decimal ConsensusConfidence { get; set; }
        [JsonProperty("strategies_agree")] public int StrategiesAgree { get; set; }
        [JsonProperty("risk_reward_ratio")] public decimal RiskRewardRatio { get; set; }
        [JsonExtensionData] public IDictionary<string, JToken> Extra { get; set; }
    }
}
