using Newtonsoft.Json;

namespace AtasSignalStrategy.Core
{
    /// <summary>Serializer settings shared by every JSON read and write of the core.</summary>
    public static class Json
    {
        /// <summary>
        /// Dates stay strings: the gateway acknowledges by the exact timestamp text
        /// (microseconds, no offset), which a DateTime round trip would reformat. Numbers read as
        /// decimal so prices keep every digit the gateway sent.
        /// </summary>
        public static readonly JsonSerializerSettings Settings = new JsonSerializerSettings
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Decimal,
            MissingMemberHandling = MissingMemberHandling.Ignore,
            NullValueHandling = NullValueHandling.Ignore,
        };

        public static readonly JsonSerializer Serializer = JsonSerializer.Create(Settings);
    }
}
