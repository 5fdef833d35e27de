using Newtonsoft.Json;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// The gateway's kill switch (GET /api/control, SSE "control" events): "enabled", "paused"
    /// (no new entries) or "flatten" (no new entries, and close what is held, keeping the stop
    /// until flat).
    /// </summary>
    public sealed class ControlStateDto
    {
        public const string Enabled = "enabled";
        public const string Paused = "paused";
        public const string Flatten = "flatten";

        [JsonProperty("trading")] public string Trading { get; set; }
        [JsonProperty("since")] public string Since { get; set; }
        [JsonProperty("by")] public string By { get; set; }

        /// <summary>Anything but an explicit "enabled" stops entries: an unknown state is not a licence to trade.</summary>
        public bool AllowsEntries
        {
            get { return Trading == Enabled; }
        }

        public bool WantsFlat
        {
            get { return Trading == Flatten; }
        }

        public override string ToString()
        {
            return (Trading ?? "unknown") + " since " + (Since ?? "?") + " by " + (By ?? "?");
        }
    }
}
