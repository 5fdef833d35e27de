namespace AtasSignalStrategy.Core
{
    public enum ExecutionKind
    {
        /// <summary>The entry filled: a position was opened, so the gateway is told.</summary>
        Filled,
        /// <summary>Auto trading is off: the trader was alerted, nothing was ordered.</summary>
        AlertOnly,
        /// <summary>Deliberately not traded (a position is open, the size rounds to zero).</summary>
        Skipped,
        /// <summary>An order was refused or failed.</summary>
        Failed,
    }

    /// <summary>What an <see cref="ISignalExecutor"/> did with one signal.</summary>
    public sealed class ExecutionResult
    {
        private ExecutionResult(ExecutionKind kind, string message)
        {
            Kind = kind;
            Message = message;
        }

        public ExecutionKind Kind { get; private set; }
        public string Message { get; private set; }

        public static ExecutionResult Filled(string message) { return new ExecutionResult(ExecutionKind.Filled, message); }
        public static ExecutionResult AlertOnly(string message) { return new ExecutionResult(ExecutionKind.AlertOnly, message); }
        public static ExecutionResult Skipped(string reason) { return new ExecutionResult(ExecutionKind.Skipped, reason); }
        public static ExecutionResult Failed(string reason) { return new ExecutionResult(ExecutionKind.Failed, reason); }
    }
}
