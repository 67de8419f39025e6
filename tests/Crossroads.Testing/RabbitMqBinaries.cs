namespace Crossroads.Testing;

/// <summary>Finds the RabbitMQ server and Erlang's port mapper where Debian's <c>rabbitmq-server</c> package installs them.</summary>
public static class RabbitMqBinaries
{
    /// <summary>The Debian package that brings the broker (and Erlang with <c>epmd</c>).</summary>
    public const string Package = "rabbitmq-server";

    /// <summary>
    /// The broker's start script itself. Not <c>/usr/sbin/rabbitmq-server</c>: that wrapper changes to
    /// /var/lib/rabbitmq and sends output to /var/log/rabbitmq, the system node's places.
    /// </summary>
    public const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>Erlang's port mapper daemon, which the test server gets a private instance of.</summary>
    public const string Epmd = "/usr/bin/epmd";

    /// <summary>Null when both programs are installed; otherwise why not, naming the package to install.</summary>
    public static string? WhyUnavailable =>
        File.Exists(ServerScript) && File.Exists(Epmd)
            ? null
            : $"RabbitMQ not found ({ServerScript}, {Epmd}): install the Debian package '{Package}' (apt-get install {Package}; ./test.sh does this when run as root).";
}
