import { Module } from '@nestjs/common';
import { OAuthController } from './oauth.controller.js';
import { TokenService } from './token.service.js';

@Module({ controllers: [OAuthController], providers: [TokenService] })
export class OAuthModule {}
