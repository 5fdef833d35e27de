using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Tests
{
    /// <summary>
    /// Sits between the strategy and the live gateway and misbehaves on demand: down (503), slow
    /// acknowledgements, garbage, or every signal served twice. Records when acknowledgements and
    /// polls reach it.
    /// </summary>
    public sealed class FaultProxy : IDisposable
    {
        private readonly HttpListener _listener = new HttpListener();
        private readonly HttpClient _http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        private readonly string _target;

        public volatile bool Down;
        public volatile bool Garbage;
        public volatile bool Duplicate;
        /// <summary>Acknowledgements answered 503 (the rest of the API works).</summary>
        public volatile bool FailAcks;
        /// <summary>When each acknowledgement request arrived, successful or not.</summary>
        public readonly ConcurrentQueue<Tuple<string, DateTime>> AckAttempts = new ConcurrentQueue<Tuple<string, DateTime>>();
        public TimeSpan AckDelay = TimeSpan.Zero;
        public readonly ConcurrentQueue<Tuple<string, DateTime>> Acks = new ConcurrentQueue<Tuple<string, DateTime>>();
        public int SignalPolls;
        public int ClosePolls;
        public int Failures;

        public FaultProxy(string gateway)
        {
            _target = gateway.TrimEnd('/');
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = "http://127.0.0.1:" + port + "/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            Task.Run(AcceptLoop);
        }

        public string Url { get; private set; }

        private async Task AcceptLoop()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return;
                }
                // Serve never throws: each request on its own task, as a server would.
                ThreadPool.QueueUserWorkItem(_ => Serve(ctx).Wait());
            }
        }

        private async Task Serve(HttpListenerContext ctx)
        {
            try
            {
                var path = ctx.Request.Url.PathAndQuery;
                string body;
                using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8)) body = await reader.ReadToEndAsync().ConfigureAwait(false);
                var isSignals = ctx.Request.HttpMethod == "GET" && ctx.Request.Url.AbsolutePath == "/api/signals";
                var isAck = ctx.Request.HttpMethod == "POST" && ctx.Request.Url.AbsolutePath == "/api/signals/acknowledge";
                if (isSignals) Interlocked.Increment(ref SignalPolls);
                if (ctx.Request.Url.AbsolutePath == "/api/positions/close-requests") Interlocked.Increment(ref ClosePolls);
                if (isAck) AckAttempts.Enqueue(Tuple.Create((string)JObject.Parse(body)["id"], DateTime.UtcNow));
                if (Down || (isAck && FailAcks))
                {
                    Interlocked.Increment(ref Failures);
                    await Reply(ctx, 503, "{\"status\":\"error\",\"message\":\"down\"}").ConfigureAwait(false);
                    return;
                }
                if (isSignals && Garbage)
                {
                    Interlocked.Increment(ref Failures);
                    await Reply(ctx, 200, "<html>502 Bad Gateway</html>").ConfigureAwait(false);
                    return;
                }
                if (isAck && AckDelay > TimeSpan.Zero) await Task.Delay(AckDelay).ConfigureAwait(false);
                var request = new HttpRequestMessage(new HttpMethod(ctx.Request.HttpMethod), _target + path);
                var key = ctx.Request.Headers["X-API-Key"];
                if (key != null) request.Headers.Add("X-API-Key", key);
                if (body.Length > 0) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                using (var response = await _http.SendAsync(request).ConfigureAwait(false))
                {
                    var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (isAck && response.IsSuccessStatusCode)
                        Acks.Enqueue(Tuple.Create((string)JObject.Parse(body)["id"], DateTime.UtcNow));
                    if (isSignals && Duplicate && response.IsSuccessStatusCode) text = Doubled(text);
                    await Reply(ctx, (int)response.StatusCode, text).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                try { await Reply(ctx, 502, "{\"status\":\"error\",\"message\":\"proxy: " + ex.Message.Replace("\"", "'") + "\"}").ConfigureAwait(false); }
                catch (Exception) { }
            }
        }

        private static string Doubled(string text)
        {
            var root = JObject.Parse(text);
            var signals = (JArray)root["signals"];
            if (signals != null) root["signals"] = new JArray(signals.Concat(signals.Select(s => s.DeepClone())));
            return root.ToString(Formatting.None);
        }

        private static async Task Reply(HttpListenerContext ctx, int status, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            ctx.Response.ContentLength64 = bytes.Length;
            await ctx.Response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            ctx.Response.Close();
        }

        public void Dispose()
        {
            try { _listener.Stop(); } catch (Exception) { }
            _http.Dispose();
        }
    }
}
