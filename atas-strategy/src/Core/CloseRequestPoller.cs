using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// Follows GET /api/positions/close-requests with a cursor, so each close request is returned
    /// once. A gateway without the endpoint (404) is asked again only every
    /// <see cref="UnavailableRetry"/>.
    /// </summary>
    public sealed class CloseRequestPoller
    {
        private readonly GatewayClient _client;
        private readonly Func<DateTime> _utcNow;
        private readonly HashSet<string> _seen = new HashSet<string>(StringComparer.Ordinal);
        private DateTime _nextTryWhenUnavailable;

        /// <param name="since">
        /// Start after this close-request id; null: everything stored (oldest first, a page at a
        /// time). <see cref="StartingAt"/> gives an id for "from this moment on".
        /// </param>
        public CloseRequestPoller(GatewayClient client, string since = null, Func<DateTime> utcNow = null)
        {
            if (client == null) throw new ArgumentNullException("client");
            _client = client;
            Since = since;
            _utcNow = utcNow ?? (() => DateTime.UtcNow);
            UnavailableRetry = TimeSpan.FromMinutes(1);
        }

        /// <summary>
        /// A cursor that skips every close request stored before <paramref name="utc"/> (stream
        /// ids start with their time in ms), so a fresh start does not page through history.
        /// </summary>
        public static string StartingAt(DateTime utc)
        {
            var ms = (long)(utc - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
            return new StreamId(Math.Max(0, ms), 0).ToString();
        }

        /// <summary>The cursor: id of the newest close request returned so far.</summary>
        public string Since { get; private set; }

        /// <summary>False once the gateway answered 404 (no close-requests endpoint).</summary>
        public bool Available { get; private set; }

        /// <summary>How long to wait before asking a gateway without the endpoint again. Default 1 min.</summary>
        public TimeSpan UnavailableRetry { get; set; }

        /// <summary>New close requests, oldest first; problems with single items go to <paramref name="problems"/>.</summary>
        /// <exception cref="GatewayException">The gateway could not be reached or answered an error other than 404.</exception>
        public async Task<List<CloseRequestDto>> PollAsync(List<string> problems, CancellationToken ct)
        {
            var fresh = new List<CloseRequestDto>();
            if (!Available && _nextTryWhenUnavailable > _utcNow()) return fresh;
            var result = await _client.GetCloseRequestsAsync(Since, ct).ConfigureAwait(false);
            if (result.NotAvailable)
            {
                Available = false;
                _nextTryWhenUnavailable = _utcNow() + UnavailableRetry;
                return fresh;
            }
            Available = true;
            if (problems != null) problems.AddRange(result.Batch.Problems);
            foreach (var request in result.Batch.Items.OrderBy(r => r.Id ?? "", Comparer<string>.Create(StreamId.CompareText)))
            {
                var key = request.Id ?? (request.SignalId + "|" + request.Reason + "|" + request.RequestedAt);
                if (!_seen.Add(key)) continue;
                if (_seen.Count > 10000) _seen.Clear();
                if (!string.IsNullOrEmpty(request.Id) && (Since == null || StreamId.CompareText(request.Id, Since) > 0)) Since = request.Id;
                fresh.Add(request);
            }
            return fresh;
        }
    }
}
