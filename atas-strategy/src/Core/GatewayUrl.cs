using System;

namespace AtasSignalStrategy.Core
{
    /// <summary>Turns the URL a trader typed into the gateway's base address.</summary>
    public static class GatewayUrl
    {
        /// <summary>
        /// Accepts "http://host:8888", a trailing slash, or a full endpoint URL pasted from the
        /// guide ("http://host:8888/api/signals/latest"): everything from "/api/" on is dropped.
        /// </summary>
        /// <exception cref="ArgumentException">The URL is empty, not absolute, or not http(s).</exception>
        public static Uri Normalize(string url)
        {
            if (string.IsNullOrWhiteSpace(url))
                throw new ArgumentException("API URL is empty: set it to the gateway address, e.g. http://localhost:8888");
            Uri uri;
            if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw new ArgumentException("API URL '" + url.Trim() + "' is not an http:// or https:// address");
            var path = uri.AbsolutePath;
            var api = path.IndexOf("/api/", StringComparison.OrdinalIgnoreCase);
            if (api < 0 && path.EndsWith("/api", StringComparison.OrdinalIgnoreCase)) api = path.Length - 4;
            if (api >= 0) path = path.Substring(0, api);
            if (!path.EndsWith("/")) path += "/";
            var builder = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path);
            return builder.Uri;
        }
    }
}
