using System;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Reads GET /api/signals/stream. Each run is one connection; <see cref="LastEventId"/>
    /// survives runs, so the next connection resumes (Last-Event-ID) where the last one stopped
    /// and the gateway replays whatever was published in between.
    /// </summary>
    public sealed class SseClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly string _apiKey;
        private readonly object _lock = new object();
        private Stream _current;
        private string _lastEventId;

        /// <param name="baseUrl">Gateway address; see <see cref="GatewayUrl.Normalize"/>.</param>
        /// <param name="apiKey">Sent as X-API-Key when not empty.</param>
        /// <param name="handler">For tests; default the platform handler.</param>
        public SseClient(string baseUrl, string apiKey = null, HttpMessageHandler handler = null)
        {
            BaseUri = GatewayUrl.Normalize(baseUrl);
            _apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
            _http = handler == null ? new HttpClient() : new HttpClient(handler, false);
            // The stream stays open for hours; liveness is judged by IdleTimeout instead.
            _http.Timeout = Timeout.InfiniteTimeSpan;
            IdleTimeout = TimeSpan.FromSeconds(45);
            ConnectTimeout = TimeSpan.FromSeconds(10);
        }

        public Uri BaseUri { get; private set; }

        /// <summary>
        /// Id of the last event handled without error. Null: the first connection gets only new
        /// signals. Set it to resume after an id known from elsewhere (e.g. a poll).
        /// </summary>
        public string LastEventId
        {
            get { lock (_lock) return _lastEventId; }
            set { lock (_lock) _lastEventId = value; }
        }

        /// <summary>
        /// A connection with no byte (not even a heartbeat comment) for this long is treated as
        /// dead and closed. Default 45 s: three missed 15 s heartbeats.
        /// </summary>
        public TimeSpan IdleTimeout { get; set; }

        /// <summary>How long to wait for the response headers. Default 10 s.</summary>
        public TimeSpan ConnectTimeout { get; set; }

        /// <summary>The server's "retry:" advice in ms, once one was received.</summary>
        public int? ServerRetryMs { get; private set; }

        /// <summary>Heartbeat comments received over all runs.</summary>
        public int Heartbeats { get; private set; }

        /// <summary>
        /// Connects and dispatches events until the server closes the stream (returns) or the
        /// connection fails (throws <see cref="GatewayException"/>) or <paramref name="ct"/> is
        /// cancelled (throws <see cref="OperationCanceledException"/>).
        /// </summary>
        /// <param name="symbol">Optional server-side symbol filter.</param>
        /// <param name="onEvent">Awaited before the next line is read; the resume id advances only after it returns.</param>
        /// <param name="onConnected">Called once the 200 response headers arrived.</param>
        public async Task RunAsync(string symbol, Func<SseEvent, Task> onEvent, Action onConnected, CancellationToken ct)
        {
            var path = "api/signals/stream";
            if (!string.IsNullOrEmpty(symbol)) path += "?symbol=" + Uri.EscapeDataString(symbol);
            var what = "GET /" + path;
            var resumeFrom = LastEventId;
            using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUri, path)))
            {
                request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
                request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache");
                if (_apiKey != null) request.Headers.TryAddWithoutValidation(GatewayClient.ApiKeyHeader, _apiKey);
                if (!string.IsNullOrEmpty(resumeFrom)) request.Headers.TryAddWithoutValidation("Last-Event-ID", resumeFrom);

                HttpResponseMessage response;
                using (var connectCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    connectCts.CancelAfter(ConnectTimeout);
                    try
                    {
                        response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, connectCts.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        ct.ThrowIfCancellationRequested();
                        throw new GatewayException(what + " got no response within " + ConnectTimeout.TotalSeconds + " s", 0, true);
                    }
                    catch (HttpRequestException ex)
                    {
                        throw new GatewayException(what + " failed: " + ex.Message + (ex.InnerException != null ? ": " + ex.InnerException.Message : ""), 0, true, ex);
                    }
                }
                using (response)
                {
                    var status = (int)response.StatusCode;
                    if (status != 200)
                    {
                        var hint = status == 401 || status == 403 ? " (check the API key setting)" : status == 404 ? " (this gateway has no push endpoint)" : "";
                        throw new GatewayException(what + " failed: HTTP " + status + " " + response.ReasonPhrase + hint, status, GatewayException.IsTransientStatus(status));
                    }
                    var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    lock (_lock) _current = stream;
                    try
                    {
                        if (onConnected != null) onConnected();
                        await ReadEventsAsync(stream, resumeFrom, onEvent, what, ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        lock (_lock) _current = null;
                    }
                }
            }
        }

        /// <summary>Drops the open connection, if any, as a network failure would.</summary>
        public void Abort()
        {
            Stream stream;
            lock (_lock) stream = _current;
            if (stream != null) stream.Dispose();
        }

        private async Task ReadEventsAsync(Stream stream, string resumeFrom, Func<SseEvent, Task> onEvent, string what, CancellationToken ct)
        {
            var parser = new SseParser(resumeFrom);
            using (var reader = new StreamReader(stream, new UTF8Encoding(false)))
            using (ct.Register(Abort))
            {
                for (;;)
                {
                    var readTask = reader.ReadLineAsync();
                    Task first;
                    using (var idleCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
                    {
                        first = await Task.WhenAny(readTask, Task.Delay(IdleTimeout, idleCts.Token)).ConfigureAwait(false);
                        idleCts.Cancel(); // release the timer at once
                    }
                    if (first != readTask)
                    {
                        Observe(readTask);
                        Abort();
                        ct.ThrowIfCancellationRequested();
                        throw new GatewayException(what + ": no data or heartbeat for " + IdleTimeout.TotalSeconds + " s, reconnecting", 0, true);
                    }
                    string line;
                    try
                    {
                        line = await readTask.ConfigureAwait(false);
                    }
                    catch (Exception ex)
                    {
                        ct.ThrowIfCancellationRequested();
                        if (ex is IOException || ex is ObjectDisposedException || ex is HttpRequestException)
                            throw new GatewayException(what + ": connection lost: " + ex.Message, 0, true, ex);
                        throw;
                    }
                    if (line == null) return; // the server closed the stream
                    var before = parser.Comments;
                    var ev = parser.Feed(line);
                    if (parser.Comments != before) Heartbeats++;
                    if (parser.RetryMs.HasValue) ServerRetryMs = parser.RetryMs;
                    if (ev == null) continue;
                    await onEvent(ev).ConfigureAwait(false);
                    if (!string.IsNullOrEmpty(ev.LastEventId)) LastEventId = ev.LastEventId;
                }
            }
        }

        private static void Observe(Task task)
        {
            task.ContinueWith(t => { var ignored = t.Exception; }, TaskContinuationOptions.OnlyOnFaulted);
        }

        public void Dispose()
        {
            Abort();
            _http.Dispose();
        }
    }
}
