using System;
using System.Collections.Generic;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Items read from a gateway response. An item that does not parse is reported in
    /// <see cref="Problems"/> and skipped, so one bad entry never hides the good ones.
    /// </summary>
    public sealed class ParsedBatch<T> where T : class
    {
        public ParsedBatch()
        {
            Items = new List<T>();
            Problems = new List<string>();
        }

        public List<T> Items { get; private set; }
        public List<string> Problems { get; private set; }

        public static ParsedBatch<T> FromArray(JToken array, string what)
        {
            var batch = new ParsedBatch<T>();
            if (array == null || array.Type == JTokenType.Null) return batch;
            if (array.Type != JTokenType.Array)
            {
                batch.Problems.Add(what + " is not a JSON array");
                return batch;
            }
            int index = 0;
            foreach (var token in (JArray)array)
            {
                batch.AddItem(token, what + "[" + index + "]");
                index++;
            }
            return batch;
        }

        public void AddItem(JToken token, string where)
        {
            if (token == null || token.Type == JTokenType.Null) return;
            try
            {
                var item = token.ToObject<T>(Json.Serializer);
                if (item != null) Items.Add(item);
            }
            catch (Exception ex)
            {
                Problems.Add(where + " skipped: " + ex.Message);
            }
        }
    }
}
