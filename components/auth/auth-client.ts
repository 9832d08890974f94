'use client';
/** better-auth's browser client; it talks to /api/auth on the page's own origin. */
import { createAuthClient } from 'better-auth/react';

export const authClient = createAuthClient();
