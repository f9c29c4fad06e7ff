<?php

declare(strict_types=1);

namespace App\Command;

use App\Support\DatabaseUrl;
use App\Support\Settings;
use Symfony\Component\Console\Attribute\AsCommand;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\OutputInterface;

/**
 * `php bin/console settings:check`, run before the server starts: bin/console validated the environment
 * already (one line, exit 1 when it is not usable); this command says which database the settings name,
 * without its credentials.
 */
#[AsCommand(name: 'settings:check', description: 'Validate the settings of the environment (DATABASE_URL, SECRET_KEY, ...)')]
final class CheckSettingsCommand extends Command
{
    public function __construct(private readonly Settings $settings, private readonly string $projectDirectory)
    {
        parent::__construct();
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        $parameters = DatabaseUrl::parameters($this->settings->databaseUrl, $this->projectDirectory);
        $output->writeln('settings: ok (' . DatabaseUrl::describe($parameters) . ')');

        return Command::SUCCESS;
    }
}
