using System;
using System.Collections.Generic;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// The strategy's settings as read once at start (a snapshot: the background loops never see
    /// a half-edited value), with the checks that make a bad value a clear message instead of a
    /// bad trade. Defaults are the ones the ATAS settings panel shows.
    /// </summary>
    public sealed class StrategySettings
    {
        public const string DefaultApiUrl = "http://localhost:8888";
        public const int DefaultPollIntervalMs = 1000;
        public const decimal DefaultRiskPercent = 1m;
        public const int DefaultMaxSignalAgeSeconds = 60;

        public const decimal DefaultMaxEntryDrift = 0.5m;

        public const int MinPollIntervalMs = 250;
        public const decimal MaxEntryDriftLimit = 5m;
        public const decimal MaxRiskPercent = 10m;

        public StrategySettings()
        {
            ApiUrl = DefaultApiUrl;
            ApiKey = "";
            PollIntervalMs = DefaultPollIntervalMs;
            PushMode = true;
            AutoTrade = false;
            RiskPercent = DefaultRiskPercent;
            MaxSignalAgeSeconds = DefaultMaxSignalAgeSeconds;
            SymbolMapping = "";
            UseCloseRequests = true;
            MaxQuantity = 0m;
            MaxEntryDriftStopDistances = DefaultMaxEntryDrift;
            TradeSimulatedSignals = false;
        }

        public string ApiUrl { get; set; }
        public string ApiKey { get; set; }
        public int PollIntervalMs { get; set; }
        public bool PushMode { get; set; }
        public bool AutoTrade { get; set; }
        public decimal RiskPercent { get; set; }
        public int MaxSignalAgeSeconds { get; set; }
        public string SymbolMapping { get; set; }
        public bool UseCloseRequests { get; set; }
        public decimal MaxQuantity { get; set; }

        /// <summary>
        /// How far the live price may have moved from the signal's entry_price, in stop distances,
        /// before the signal is skipped. Default 0.5.
        /// </summary>
        public decimal MaxEntryDriftStopDistances { get; set; }

        /// <summary>Execute replay, backtest and demo signals too (and those without a source). Default off.</summary>
        public bool TradeSimulatedSignals { get; set; }

        public StrategySettings Clone()
        {
            return (StrategySettings)MemberwiseClone();
        }

        /// <summary>Every problem, each naming its setting as the panel shows it; empty when all is well.</summary>
        public List<string> Validate()
        {
            var errors = new List<string>();
            try
            {
                GatewayUrl.Normalize(ApiUrl);
            }
            catch (ArgumentException ex)
            {
                errors.Add("API URL: " + ex.Message);
            }
            if (PollIntervalMs < MinPollIntervalMs) errors.Add("Poll interval (ms) must be at least " + MinPollIntervalMs + ", got " + PollIntervalMs);
            if (RiskPercent <= 0 || RiskPercent > MaxRiskPercent) errors.Add("Risk % must be above 0 and at most " + MaxRiskPercent + ", got " + RiskPercent);
            if (MaxSignalAgeSeconds < 1 || MaxSignalAgeSeconds > 3600) errors.Add("Max signal age (s) must be between 1 and 3600, got " + MaxSignalAgeSeconds);
            if (MaxEntryDriftStopDistances <= 0 || MaxEntryDriftStopDistances > MaxEntryDriftLimit)
                errors.Add("Max entry drift (stop distances) must be above 0 and at most " + MaxEntryDriftLimit + ", got " + MaxEntryDriftStopDistances);
            if (MaxQuantity < 0) errors.Add("Max quantity must be 0 (no cap) or positive, got " + MaxQuantity);
            try
            {
                SymbolMap.Parse(SymbolMapping);
            }
            catch (FormatException ex)
            {
                errors.Add("Symbol mapping: " + ex.Message);
            }
            return errors;
        }
    }
}
