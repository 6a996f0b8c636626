import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_ROUTE = 'lienthong:public-route';

/** Marks one of the few routes that need no access token (health, metrics, JWKS, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_ROUTE, true);
