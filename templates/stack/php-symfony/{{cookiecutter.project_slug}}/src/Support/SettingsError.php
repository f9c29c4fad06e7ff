<?php

declare(strict_types=1);

namespace App\Support;

use RuntimeException;

/** A setting of the environment is missing or invalid: the application refuses to start. */
final class SettingsError extends RuntimeException
{
}
