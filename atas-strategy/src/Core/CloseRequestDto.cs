using Newtonsoft.Json;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// An instruction from the position-closer to flatten the position a signal opened (opposite
    /// signal, max hold time, manual close): exits that the exchange-side stop and take-profit do
    /// not cover.
    /// </summary>
    public sealed class CloseRequestDto
    {
        [JsonProperty("id")] public string Id { get; set; }
        [JsonProperty("position_id")] public string PositionId { get; set; }
        [JsonProperty("signal_id")] public string SignalId { get; set; }
        [JsonProperty("signal_timestamp")] public string SignalTimestamp { get; set; }
        [JsonProperty("symbol")] public string Symbol { get; set; }
        [JsonProperty("direction")] public string Direction { get; set; }
        [JsonProperty("reason")] public string Reason { get; set; }
        [JsonProperty("requested_at")] public string RequestedAt { get; set; }

        public override string ToString()
        {
            return string.Format("close {0} {1} ({2})", Symbol, SignalId, Reason);
        }
    }
}
