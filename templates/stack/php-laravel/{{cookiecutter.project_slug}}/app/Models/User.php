<?php

declare(strict_types=1);

namespace App\Models;

use Illuminate\Database\Eloquent\Model;

/**
 * An account: an email and an argon2id hash (App\Services\Accounts); the hash never leaves the server.
 *
 * @property int $id
 * @property string $email
 * @property string $password_hash
 * @property bool $is_active
 * @property string $created_at
 */
final class User extends Model
{
    /** @var bool */
    public $timestamps = false;

    /** @var string */
    protected $table = 'users';

    /** @var array<int, string> */
    protected $fillable = ['email', 'password_hash', 'is_active', 'created_at'];

    /** @var array<int, string> */
    protected $hidden = ['password_hash'];
}
