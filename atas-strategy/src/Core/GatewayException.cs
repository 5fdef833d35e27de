using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>
    /// A failed gateway call. The message names the request and the cause, never the API key.
    /// </summary>
    public sealed class GatewayException : Exception
    {
        public GatewayException(string message, int statusCode, bool transient, Exception inner = null)
            : base(message, inner)
        {
            StatusCode = statusCode;
            IsTransient = transient;
        }

        /// <summary>HTTP status, or 0 when no response arrived (connection refused, timeout).</summary>
        public int StatusCode { get; private set; }

        /// <summary>True when retrying may help: no response, 408, 429 or a 5xx.</summary>
        public bool IsTransient { get; private set; }

        public static bool IsTransientStatus(int status)
        {
            return status == 408 || status == 429 || status >= 500;
        }
    }
}
