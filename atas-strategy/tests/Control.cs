using System;
using System.IO;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// The line protocol with the test driver, which owns Redis: this program writes
    /// "@@ctl {json}" on stdout and reads one JSON line back on stdin. A publish is answered once the
    /// gateway has read the signals from the stream.
    /// Requests: {"op":"publish","signals":[{"symbol","direction"}]} replies {"signals":[full signal with "id"]};
    /// {"op":"publish_close", "signal_id","symbol","direction","reason"} replies {"id"}.
    /// Facts for the driver to verify afterwards are written as "@@acked ID".
    /// </summary>
    public sealed class Control : IDisposable
    {
        private readonly TextReader _in;
        private readonly TextWriter _out;
        private readonly object _lock = new object();

        public Control(TextReader input, TextWriter output)
        {
            _in = input;
            _out = output;
        }

        public async Task<JObject> RequestAsync(JObject request, TimeSpan timeout)
        {
            Task<string> read;
            lock (_lock)
            {
                _out.WriteLine("@@ctl " + request.ToString(Formatting.None));
                _out.Flush();
                read = Task.Run(() => _in.ReadLine());
            }
            var done = await Task.WhenAny(read, Task.Delay(timeout)).ConfigureAwait(false);
            if (done != read) throw new AssertionException("the driver did not answer '" + request["op"] + "' within " + timeout.TotalSeconds + " s");
            var line = await read.ConfigureAwait(false);
            if (line == null) throw new AssertionException("the driver closed stdin");
            var reply = JsonConvert.DeserializeObject<JObject>(line, Core.Json.Settings);
            if (reply["error"] != null) throw new AssertionException("the driver failed '" + request["op"] + "': " + reply["error"]);
            return reply;
        }

        public void Fact(string name, string value)
        {
            lock (_lock)
            {
                _out.WriteLine("@@" + name + " " + value);
                _out.Flush();
            }
        }

        public void Dispose()
        {
        }
    }
}
