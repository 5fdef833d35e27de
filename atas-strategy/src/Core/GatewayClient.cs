using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// The gateway's REST endpoints (those of the integration guide, plus close-requests).
    /// Thread-safe: one instance serves the poll loop and the acknowledgements.
    /// </summary>
    public sealed class GatewayClient : IDisposable
    {
        public const string ApiKeyHeader = "X-API-Key";

        private readonly HttpClient _http;
        private readonly string _apiKey;

        /// <param name="baseUrl">Gateway address; see <see cref="GatewayUrl.Normalize"/>.</param>
        /// <param name="apiKey">Sent as X-API-Key when not empty. Default: none.</param>
        /// <param name="timeout">Per request. Default 10 s.</param>
        /// <param name="handler">For tests; default the platform handler.</param>
        public GatewayClient(string baseUrl, string apiKey = null, TimeSpan? timeout = null, HttpMessageHandler handler = null)
        {
            BaseUri = GatewayUrl.Normalize(baseUrl);
            _apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
            _http = handler == null ? new HttpClient() : new HttpClient(handler, false);
            _http.Timeout = timeout ?? TimeSpan.FromSeconds(10);
        }

        public Uri BaseUri { get; private set; }

        /// <summary>GET /api/signals: every active signal.</summary>
        public async Task<ParsedBatch<SignalDto>> GetSignalsAsync(CancellationToken ct)
        {
            var body = await SendAsync(HttpMethod.Get, "api/signals", null, ct).ConfigureAwait(false);
            return ParsedBatch<SignalDto>.FromArray(ParseObject(body, "api/signals")["signals"], "signals");
        }

        /// <summary>GET /api/signals/{symbol}: the active signals of one symbol.</summary>
        public async Task<ParsedBatch<SignalDto>> GetSignalsForSymbolAsync(string symbol, CancellationToken ct)
        {
            var path = "api/signals/" + Uri.EscapeDataString(symbol);
            var body = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
            return ParsedBatch<SignalDto>.FromArray(ParseObject(body, path)["signals"], "signals");
        }

        /// <summary>GET /api/signals/latest: the newest unacknowledged signal, or an empty batch.</summary>
        public async Task<ParsedBatch<SignalDto>> GetLatestAsync(CancellationToken ct)
        {
            var batch = new ParsedBatch<SignalDto>();
            string body;
            try
            {
                body = await SendAsync(HttpMethod.Get, "api/signals/latest", null, ct).ConfigureAwait(false);
            }
            catch (GatewayException ex)
            {
                // "No signal yet" may come as a 404: that is an empty answer, not a failure.
                if (ex.StatusCode == 404) return batch;
                throw;
            }
            batch.AddItem(ParseObject(body, "api/signals/latest")["signal"], "signal");
            return batch;
        }

        /// <summary>
        /// POST /api/signals/acknowledge with {"id"} (or {"timestamp"} for a signal without id).
        /// </summary>
        public Task AcknowledgeAsync(SignalDto signal, CancellationToken ct)
        {
            var payload = new JObject();
            if (!string.IsNullOrEmpty(signal.Id)) payload["id"] = signal.Id;
            else payload["timestamp"] = signal.Timestamp;
            return SendAsync(HttpMethod.Post, "api/signals/acknowledge", payload.ToString(Formatting.None), ct);
        }

        /// <summary>
        /// GET /api/positions/close-requests?since=ID: close requests stored after <paramref name="since"/>
        /// (all stored ones when null). A gateway without the endpoint answers 404: the batch is
        /// then marked <see cref="CloseRequestBatch.NotAvailable"/>.
        /// </summary>
        public async Task<CloseRequestBatch> GetCloseRequestsAsync(string since, CancellationToken ct)
        {
            var path = "api/positions/close-requests";
            if (!string.IsNullOrEmpty(since)) path += "?since=" + Uri.EscapeDataString(since);
            string body;
            try
            {
                body = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
            }
            catch (GatewayException ex)
            {
                if (ex.StatusCode == 404) return new CloseRequestBatch(new ParsedBatch<CloseRequestDto>(), true);
                throw;
            }
            var root = ParseObject(body, "api/positions/close-requests");
            return new CloseRequestBatch(ParsedBatch<CloseRequestDto>.FromArray(root["close_requests"], "close_requests"), false);
        }

        /// <summary>
        /// GET /api/control: the kill switch. Null from a gateway without one (HTTP 404): it never
        /// pauses, so trading goes on as before.
        /// </summary>
        public async Task<ControlStateDto> GetControlAsync(CancellationToken ct)
        {
            string body;
            try
            {
                body = await SendAsync(HttpMethod.Get, "api/control", null, ct).ConfigureAwait(false);
            }
            catch (GatewayException ex)
            {
                if (ex.StatusCode == 404) return null;
                throw;
            }
            return ParseControl(body, "api/control");
        }

        /// <summary>The kill switch from a GET /api/control body or an SSE "control" event's data.</summary>
        /// <exception cref="GatewayException">Not a JSON object with a "trading" string.</exception>
        public static ControlStateDto ParseControl(string json, string what)
        {
            var obj = ParseObject(json, what);
            var trading = obj["trading"] as JValue;
            if (trading == null || trading.Type != JTokenType.String)
                throw new GatewayException("/" + what + " has no \"trading\" state", 200, false);
            return obj.ToObject<ControlStateDto>(Json.Serializer);
        }

        /// <summary>Any GET, for diagnostics and tests: the raw body.</summary>
        public Task<string> GetRawAsync(string path, CancellationToken ct)
        {
            return SendAsync(HttpMethod.Get, path.TrimStart('/'), null, ct);
        }

        internal async Task<string> SendAsync(HttpMethod method, string path, string jsonBody, CancellationToken ct)
        {
            var what = method.Method + " /" + path;
            using (var request = new HttpRequestMessage(method, new Uri(BaseUri, path)))
            {
                if (_apiKey != null) request.Headers.TryAddWithoutValidation(ApiKeyHeader, _apiKey);
                if (jsonBody != null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(request, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    if (ct.IsCancellationRequested) throw;
                    throw new GatewayException(what + " timed out after " + _http.Timeout.TotalSeconds + " s", 0, true);
                }
                catch (HttpRequestException ex)
                {
                    throw new GatewayException(what + " failed: " + Describe(ex), 0, true, ex);
                }
                using (response)
                {
                    var body = response.Content == null ? "" : await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    var status = (int)response.StatusCode;
                    if (status >= 200 && status < 300) return body;
                    var hint = status == 401 || status == 403 ? " (check the API key setting)" : "";
                    throw new GatewayException(
                        what + " failed: HTTP " + status + " " + response.ReasonPhrase + hint + Snippet(body),
                        status, GatewayException.IsTransientStatus(status));
                }
            }
        }

        private static JObject ParseObject(string body, string what)
        {
            JToken token;
            try
            {
                token = JsonConvert.DeserializeObject<JToken>(body, Json.Settings);
            }
            catch (JsonException ex)
            {
                throw new GatewayException("/" + what + " returned invalid JSON: " + ex.Message, 200, false, ex);
            }
            var obj = token as JObject;
            if (obj == null) throw new GatewayException("/" + what + " returned JSON that is not an object", 200, false);
            return obj;
        }

        private static string Describe(Exception ex)
        {
            var message = ex.Message;
            for (var inner = ex.InnerException; inner != null; inner = inner.InnerException) message += ": " + inner.Message;
            return message;
        }

        private static string Snippet(string body)
        {
            if (string.IsNullOrEmpty(body)) return "";
            body = body.Replace('\n', ' ').Replace('\r', ' ');
            return ": " + (body.Length > 200 ? body.Substring(0, 200) + "..." : body);
        }

        public void Dispose()
        {
            _http.Dispose();
        }
    }

    public sealed class CloseRequestBatch
    {
        public CloseRequestBatch(ParsedBatch<CloseRequestDto> batch, bool notAvailable)
        {
            Batch = batch;
            NotAvailable = notAvailable;
        }

        public ParsedBatch<CloseRequestDto> Batch { get; private set; }

        /// <summary>The gateway has no close-requests endpoint (HTTP 404).</summary>
        public bool NotAvailable { get; private set; }
    }
}
