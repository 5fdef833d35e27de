namespace AtasSignalStrategy.Core
{
    public sealed class AckResult
    {
        public AckResult(bool ok, bool permanent, int attempts, string error)
        {
            Ok = ok;
            Permanent = permanent;
            Attempts = attempts;
            Error = error;
        }

        public bool Ok { get; private set; }

        /// <summary>Failed in a way retrying cannot fix (a 4xx such as an unknown id or a wrong key).</summary>
        public bool Permanent { get; private set; }

        public int Attempts { get; private set; }
        public string Error { get; private set; }
    }
}
