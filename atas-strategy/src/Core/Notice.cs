namespace AtasSignalStrategy.Core
{
    public enum NoticeLevel
    {
        Info,
        Warning,
    }

    /// <summary>
    /// Receives what the trader should see. <paramref name="key"/> groups repeats of one
    /// problem so the receiver can throttle them.
    /// </summary>
    public delegate void NoticeHandler(NoticeLevel level, string key, string message);
}
