using Newtonsoft.Json;

namespace AtasSignalStrategy.Core
{
    /// <summary>One remembered signal.</summary>
    public sealed class DedupeEntry
    {
        [JsonProperty("key")] public string Key { get; set; }
        [JsonProperty("timestamp")] public string Timestamp { get; set; }
        [JsonProperty("symbol")] public string Symbol { get; set; }
        [JsonProperty("state")] public string State { get; set; }
        [JsonProperty("updated_at")] public string UpdatedAt { get; set; }

        public DedupeEntry Clone()
        {
            return (DedupeEntry)MemberwiseClone();
        }
    }
}
